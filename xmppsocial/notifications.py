"""Activity that reaches the author: comments, likes, replies and repeats of my posts, and
new followers, as notifications the cache keeps (they survive a restart).

``derive`` is a pure function of what the store just took in (``Applied``), the store's
answers about where a comment belongs (``StoreView``) and who I am. The place that applies
service events to the store calls it with what it applied and stores the result
(``Store.add_notifications``); graph_apply.py does this for the events of the social graph.
Each notification has a key naming the fact it reports, so deriving the same fact twice
(a push, then the fetch after a reconnect) stores it once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from xmppsocial.content.sanitize import clean_line, clean_name
from xmppsocial.model import NodeRef, Post, PostRef
from xmppsocial.uris import parse_post_uri

COMMENT, LIKE, REPLY, REPEAT, FOLLOWER = "comment", "like", "reply", "repeat", "follower"
KINDS = (COMMENT, LIKE, REPLY, REPEAT, FOLLOWER)
TEXT_LIMIT = 280  # what a notification quotes of the comment or reply; the post has it all
PUBLIC_LIST = "public-list"  # a follower known from their own public follow list
# Dates are the writer's word, to the second, from clocks that drift: a post dated up to
# this long before watching began is still news.
CLOCK_GRACE = 300.0


@dataclass(frozen=True, slots=True)
class Notification:
    """One thing that happened to my blog.

    ``about`` is the item that did it (the comment, the reply, the repeat), ``target`` the
    post of mine it concerns; both None for a new follower. ``created`` is when we learnt
    of it (seconds since the epoch).
    """

    key: str
    kind: str
    actor: str
    actor_name: str = ""
    text: str = ""
    about: PostRef | None = None
    target: PostRef | None = None
    target_title: str = ""
    created: float = 0.0
    read: bool = False
    id: int | None = None

    @property
    def jump_to(self) -> PostRef | None:
        """The post to open for this notification: the one of mine it is about."""
        return self.target or self.about

    def headline(self) -> str:
        """One safe line for a terminal: who did what, on which post, in their words."""
        who = clean_name(self.actor_name or self.actor) or "someone"
        if self.actor_name and self.actor and clean_name(self.actor_name) != self.actor:
            who = f"{who} ({clean_line(self.actor, 80)})"
        title = clean_line(self.target_title, 60)
        on = f" “{title}”" if title else ""
        words = clean_line(self.text, 120)
        if self.kind == FOLLOWER:
            line = f"{who} follows your blog"
            return f"{line} (seen in their public follow list)" if self.text == PUBLIC_LIST \
                else line
        verb = {COMMENT: "commented on", LIKE: "likes", REPLY: "replied to",
                REPEAT: "repeated"}.get(self.kind, self.kind)
        line = f"{who} {verb} your post{on}"
        return f"{line}: {words}" if words and self.kind != LIKE else line


@dataclass(frozen=True, slots=True)
class Applied:
    """What the store just took in: posts (with the keys of those new to it), XEP-0470 likes
    first seen as (post, liker), and followers first seen as (node, jid, source)."""

    posts: tuple[Post, ...] = ()
    new: frozenset[tuple[str, str, str]] = frozenset()
    likes: tuple[tuple[PostRef, str], ...] = ()
    followers: tuple[tuple[NodeRef, str, str], ...] = ()


class StoreView(Protocol):
    """What derive asks the store (xmppsocial.store.Store has both)."""

    def parent_of_comments(self, node: NodeRef) -> PostRef | None: ...

    def get_post(self, ref: PostRef) -> Post | None: ...


def derive(view: StoreView, me: str, applied: Applied, *, now: float,
           since: float | None = None) -> list[Notification]:
    """The notifications that ``applied`` gives rise to for the account ``me``.

    Posts count only when new to the store. One published before ``since`` (when this
    cache began watching) is history rather than news: it is kept, already read, so that
    a fresh cache shows past activity without announcing it. What I did myself is never
    news.
    """
    me = me.lower()
    out: dict[str, Notification] = {}
    for post in applied.posts:
        if post.key not in applied.new:
            continue
        note = _from_post(view, me, post, now)
        if note is not None:
            if since is not None and post.published.timestamp() < since - CLOCK_GRACE:
                note = replace(note, read=True)
            out.setdefault(note.key, note)
    for target, jid in applied.likes:
        if jid.lower() == me or not _mine(view, me, target):
            continue
        note = Notification(like_key(target, jid), LIKE, jid, "", "", None, target,
                            _title(view, target), now)
        out.setdefault(note.key, note)
    for node, jid, source in applied.followers:
        if jid.lower() == me:
            continue
        key = f"{FOLLOWER}:{node.service}:{node.node}:{jid}"
        out.setdefault(key, Notification(key, FOLLOWER, jid, "",
                                         PUBLIC_LIST if source == PUBLIC_LIST else "",
                                         created=now))
    return list(out.values())


def like_key(target: PostRef, jid: str) -> str:
    """One like per person and post, whether it came as a "♥" comment or an attachment."""
    return f"{LIKE}:{target.service}:{target.node}:{target.item}:{jid.lower()}"


def _from_post(view: StoreView, me: str, post: Post, now: float) -> Notification | None:
    if post.is_comment:
        parent = view.parent_of_comments(NodeRef(post.service, post.node))
        actor = (post.author.jid or "").lower()
        if parent is None or not actor or actor == me or not _mine(view, me, parent):
            return None
        if post.is_like:
            return Notification(like_key(parent, actor), LIKE, actor, post.author.name, "",
                                post.ref, parent, _title(view, parent), now)
        return _note(COMMENT, post, actor, parent, _title(view, parent), now)
    for link in post.via:
        target = parse_post_uri(link.href)
        # A repeat keeps my name as author: who repeated it is whose blog it is on.
        actor = (post.publisher or post.service).split("/", 1)[0].lower()
        if target is not None and actor != me and _mine(view, me, target):
            return _note(REPEAT, post, actor, target, _title(view, target) or post.title, now)
    for reply in post.in_reply_to:
        actor = (post.author.jid or "").lower()
        if reply.target is not None and actor and actor != me \
                and _mine(view, me, reply.target):
            return _note(REPLY, post, actor, reply.target, _title(view, reply.target), now)
    return None


def _note(kind: str, post: Post, actor: str, target: PostRef, target_title: str,
          now: float) -> Notification:
    # A repeat is a copy of my own words: nothing to quote, and the name is the original's.
    words = "" if kind == REPEAT else (post.text if post.text.strip() else post.title)
    return Notification(f"{kind}:{post.service}:{post.node}:{post.item_id}", kind, actor,
                        post.author.name if kind != REPEAT else "",
                        words[:TEXT_LIMIT], post.ref, target, target_title, now)


def _mine(view: StoreView, me: str, ref: PostRef) -> bool:
    """Whether a post is mine: on my own blog, or (a post on a pubsub service) written by me."""
    if ref.service.lower() == me:
        return True
    post = view.get_post(ref)
    return post is not None and (post.author.jid or "").lower() == me and post.author.verified


def _title(view: StoreView, ref: PostRef) -> str:
    post = view.get_post(ref)
    return post.title if post is not None else ""
