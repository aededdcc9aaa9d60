"""Likes in the cache, kept as what was actually published.

A like goes out as an XEP-0470 "noticed" attachment where the post has an attachments
node, and as Movim's "♥" comment where it has only comments. The cache records that
one form: an attachment like is a row of attachment_likes, a heart is a comment post.
Recording a heart after an attachment like showed a like that was never sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xmppsocial.model import Post, PostRef
from xmppsocial.store.store import Store

ATTACHMENT, COMMENT = "attachment", "comment"  # what XmppService.like returns


@dataclass(frozen=True, slots=True)
class LikeState:
    """How many people like a post, and whether I am one of them."""

    count: int
    mine: bool


def like_state(store: Store, post: Post, me: str) -> LikeState:
    """The post's likes as the cache knows them (XEP-0470 and hearts, each person once)."""
    who = store.likers(post)
    return LikeState(len(who), me in who)


def record_like(store: Store, post: Post, me: str, how: str,
                heart: Post | None = None) -> None:
    """Keep my like in the form it was published: ``how`` is what XmppService.like said."""
    if how == ATTACHMENT:
        store.db.execute("INSERT OR IGNORE INTO attachment_likes (service, node, item_id, jid) "
                         "VALUES (?, ?, ?, ?)", (*post.key, me))
    elif how == COMMENT:
        if heart is None:
            raise ValueError("a like published as a comment needs that comment")
        store.upsert_posts([heart])
    else:
        raise ValueError(f"unknown way of liking: {how!r}")


def record_unlike(store: Store, post: Post, me: str, undone: Iterable[PostRef]) -> None:
    """Forget my like: the attachment row, and the hearts XmppService.unlike retracted."""
    undone = list(undone)
    with store.transaction() as db:
        if post.ref in undone:
            db.execute("DELETE FROM attachment_likes WHERE service = ? AND node = ? AND "
                       "item_id = ? AND jid = ?", (*post.key, me))
        store.retract([ref for ref in undone if ref != post.ref])
