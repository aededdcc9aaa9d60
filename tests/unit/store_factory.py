"""Posts for store tests, built directly (no parser involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from xmppsocial.model import (
    COMMENTS_NODE_PREFIX,
    LIKE_MARK,
    MICROBLOG_NODE,
    Author,
    InReplyTo,
    NodeRef,
    Post,
    PostRef,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def make_post(service: str = "alice@example.org", item: str = "item-000001", *,
              minutes: float = 0, title: str = "A title", text: str = "Some text",
              node: str = MICROBLOG_NODE, tags: tuple[str, ...] = (), author: str | None = None,
              verified: bool = True, comments: bool = True, reply_to: PostRef | None = None,
              raw: str = "") -> Post:
    when = T0 + timedelta(minutes=minutes)
    jid = author or service
    return Post(service=service, node=node, item_id=item, title=title, published=when,
                updated=when, author=Author(name=jid.split("@")[0].title(), jid=jid,
                                            verified=verified),
                text=text, body=text, atom_id=item, publisher=jid, tags=tags,
                comments=NodeRef(service, COMMENTS_NODE_PREFIX + item)
                if comments and node == MICROBLOG_NODE else None,
                in_reply_to=(InReplyTo(ref=reply_to.item, href=None, target=reply_to),)
                if reply_to else (), raw=raw)


def comment_on(parent: Post, item: str, by: str, text: str, minutes: float = 1,
               verified: bool = True) -> Post:
    assert parent.comments is not None
    return make_post(parent.comments.service, item, minutes=minutes, title=text, text=text,
                     node=parent.comments.node, author=by, verified=verified)


def like_on(parent: Post, item: str, by: str, verified: bool = True) -> Post:
    return comment_on(parent, item, by, LIKE_MARK, verified=verified)
