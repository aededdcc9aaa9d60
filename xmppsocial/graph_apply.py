"""Applying what the network says about the social graph to the cache.

These are the functions the place applying service events to the store calls: for
posts just stored (``apply_posts``, with the store's UpsertResult) and for the graph's own
events (``apply_graph_event``). Each returns what is news: the notifications newly
stored, and lines to tell the user (new followers since last time, follows that came
from another client, a server that cannot list followers, said once per cache).
Pure layer: the store and plain events, no network.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from xmppsocial.events import (
    AttachmentsReceived,
    FollowersListed,
    FollowsSynced,
    PublicFollowsReceived,
    SubscriptionChanged,
)
from xmppsocial.model import MICROBLOG_NODE, NodeRef, Post
from xmppsocial.notifications import PUBLIC_LIST, Applied, Notification, derive
from xmppsocial.store import Store
from xmppsocial.store.store import UpsertResult

SUBSCRIPTION = "subscription"  # a follower the server listed or announced


@dataclass
class GraphNews:
    """What applying an event brought: notifications newly stored, and one-line messages."""

    notifications: list[Notification] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def apply_posts(store: Store, me: str, posts: Iterable[Post], result: UpsertResult,
                now: float | None = None, live: bool = False) -> list[Notification]:
    """Notifications for posts just upserted: comments, likes, replies, repeats of mine.
    A live push is news whatever date its writer put on it; a fetch may be history."""
    now = time.time() if now is None else now
    applied = Applied(posts=tuple(posts), new=frozenset(result.new))
    since = store.activity_since(now)
    notes = derive(store, me, applied, now=now, since=None if live else since)
    return store.add_notifications(notes)


def apply_graph_event(store: Store, me: str, event: object,
                      now: float | None = None) -> GraphNews:
    """Store what a graph event says; other events are left alone (empty news)."""
    now = time.time() if now is None else now
    if isinstance(event, FollowersListed):
        return _followers(store, me, event, now)
    if isinstance(event, PublicFollowsReceived):
        return _public_list(store, me, event, now)
    if isinstance(event, AttachmentsReceived):
        return _attachments(store, me, event, now)
    if isinstance(event, SubscriptionChanged):
        return _subscription(store, me, event, now)
    if isinstance(event, FollowsSynced):
        return GraphNews(messages=follows_messages(event))
    return GraphNews()


def own_blog(me: str) -> NodeRef:
    return NodeRef(me.lower(), MICROBLOG_NODE)


def _news(store: Store, me: str, applied: Applied, now: float, read: bool = False) -> GraphNews:
    notes = derive(store, me, applied, now=now)
    if read:
        notes = [replace(n, read=True) for n in notes]
    return GraphNews(store.add_notifications(notes))


def _followers(store: Store, me: str, event: FollowersListed, now: float) -> GraphNews:
    if not event.supported:
        news = GraphNews()
        if store.graph_mark("said:followers-unsupported") is None:
            store.set_graph_mark("said:followers-unsupported", str(now))
            news.messages.append(f"{event.reason[:1].upper()}{event.reason[1:]}; followers "
                                 "are shown from contacts' public follow lists")
        return news
    update = store.record_followers(event.node, event.followers, SUBSCRIPTION, now)
    news = _news(store, me, Applied(followers=tuple((event.node, j, SUBSCRIPTION)
                                                    for j in update.new)), now)
    if update.new:
        count = len(update.new)
        news.messages.append(f"{count} new follower{'s' * (count > 1)} since last time: "
                             + ", ".join(update.new[:5]) + (" …" if count > 5 else ""))
    return news


def _public_list(store: Store, me: str, event: PublicFollowsReceived, now: float) -> GraphNews:
    blog = own_blog(me)
    owner = event.owner.lower()
    if owner == me.lower():
        return GraphNews()
    before = blog in store.public_follows_of(owner)
    first = store.graph_mark(f"public-list-seen:{owner}") is None
    store.set_public_follows(owner, dict(event.follows), event.complete, now)
    store.retract_public_follows(owner, event.retracted)
    store.set_graph_mark(f"public-list-seen:{owner}", str(now))
    after = blog in store.public_follows_of(owner)
    if after and not before:
        if store.add_follower(blog, owner, PUBLIC_LIST, now):
            # Reading a contact's list the first time is learning history, not news.
            return _news(store, me, Applied(followers=((blog, owner, PUBLIC_LIST),)), now,
                         read=first and event.complete)
    elif before and not after:
        store.remove_follower(blog, owner, PUBLIC_LIST)
    return GraphNews()


def _attachments(store: Store, me: str, event: AttachmentsReceived, now: float) -> GraphNews:
    mark = f"watched:{event.target.service}:{event.target.node}:{event.target.item}"
    # The first fetch of a post's likes is where watching starts: those likes are history.
    baseline = not event.live and store.graph_mark(mark) is None
    if not event.live:
        store.set_graph_mark(mark, str(now))
    likes = tuple((event.target, jid) for jid in event.likers)
    return _news(store, me, Applied(likes=likes), now, read=baseline)


def _subscription(store: Store, me: str, event: SubscriptionChanged, now: float) -> GraphNews:
    # Only servers with notify_sub say this (neither Prosody 0.12 nor ejabberd 23.01 does).
    if event.node != own_blog(me) and event.node != NodeRef(me, MICROBLOG_NODE):
        return GraphNews()
    if event.jid.split("/", 1)[0].lower() == me.lower():
        return GraphNews()
    jid = event.jid.split("/", 1)[0]
    if event.state == "subscribed":
        if store.add_follower(event.node, jid, SUBSCRIPTION, now):
            news = _news(store, me, Applied(followers=((event.node, jid, SUBSCRIPTION),)), now)
            news.messages.extend(n.headline() for n in news.notifications)
            return news
    elif event.state == "none":
        store.remove_follower(event.node, jid, SUBSCRIPTION)
    return GraphNews()


def follows_messages(event: FollowsSynced) -> list[str]:
    """What a merge of the follow lists changed here, for people."""
    out = []

    def names(refs: tuple[NodeRef, ...]) -> str:
        shown = [r.service if r.node == MICROBLOG_NODE else f"{r.service} {r.node}"
                 for r in refs[:5]]
        return ", ".join(shown) + (" …" if len(refs) > 5 else "")

    if event.added:
        out.append(f"Now following {len(event.added)} blog{'s' * (len(event.added) > 1)} "
                   f"followed elsewhere: {names(event.added)}")
    if event.removed:
        out.append(f"Stopped following {len(event.removed)} "
                   f"blog{'s' * (len(event.removed) > 1)} unfollowed elsewhere: "
                   f"{names(event.removed)}")
    out.extend(event.problems)
    return out
