"""The one place where what the network reports is applied to the cache.

``EventApplier.apply(events)`` stores a batch of service events (posts pushed
or fetched, retractions, purges, pages of history, subscription changes) in
one transaction, in order, and returns ``Changes``: which posts are new,
changed or gone, which came as live pushes, whose history moved, and what
the user should be told about. The TUI hands every batch to it and redraws
from the result; nothing else writes service events to the store.

Facts about the account ("someone commented on your post", "a new follower")
are derived and stored here too, as notifications the cache keeps
(xmppsocial.graph_apply): the events of the social graph (follow lists merged,
followers listed, likes seen) are applied the same way as posts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xmppsocial.events import (
    AttachmentsReceived,
    ConnectionChanged,
    EntryRejected,
    FollowersListed,
    FollowsSynced,
    HistoryFetched,
    NodePurged,
    PostsReceived,
    PostsRetracted,
    PublicFollowsReceived,
    ServiceEvent,
    SubscriptionChanged,
)
from xmppsocial.graph_apply import GraphNews, apply_graph_event, apply_posts
from xmppsocial.model import NodeRef, Post, PostRef
from xmppsocial.notifications import FOLLOWER, Notification
from xmppsocial.store import Store

Key = tuple[str, str, str]
GRAPH_EVENTS = (FollowersListed, PublicFollowsReceived, AttachmentsReceived, FollowsSynced)


@dataclass(frozen=True, slots=True)
class Activity:
    """Something that happened to the account, for the user to be told."""

    title: str
    message: str


@dataclass
class Changes:
    """What a batch of events changed, by post key."""

    new: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)
    retracted: list[Key] = field(default_factory=list)
    live: list[Key] = field(default_factory=list)  # new posts that came as live pushes
    purged: list[NodeRef] = field(default_factory=list)
    history: list[NodeRef] = field(default_factory=list)  # paging state moved
    subscriptions: list[SubscriptionChanged] = field(default_factory=list)
    rejected: list[EntryRejected] = field(default_factory=list)
    connection: ConnectionChanged | None = None
    activity: list[Activity] = field(default_factory=list)
    posts: dict[Key, Post] = field(default_factory=dict)  # the posts stored, new or changed
    notifications: list[Notification] = field(default_factory=list)  # newly stored
    follows: bool = False  # the blogs followed changed (merged from the account)
    messages: list[str] = field(default_factory=list)  # lines about the graph, to be said

    @property
    def rows_changed(self) -> bool:
        """Whether a timeline may show different rows now."""
        return bool(self.new or self.retracted or self.purged or self.history or self.follows)

    def nodes(self) -> set[NodeRef]:
        """Every node with a post, a retraction or history in this batch."""
        found = {NodeRef(k[0], k[1]) for k in (*self.new, *self.changed, *self.retracted)}
        return found | set(self.purged) | set(self.history)


class EventApplier:
    """Applies service events to one account's store.

    Args:
        store: the account's cache.
        me: the account's bare JID (asked each time: it is known once connected).
    """

    def __init__(self, store: Store, me: Callable[[], str]) -> None:
        self.store = store
        self.me = me

    def apply(self, events: Iterable[ServiceEvent]) -> Changes:
        changes = Changes()
        with self.store.transaction():
            for event in events:
                self._apply(event, changes)
            self._own_posts_read(changes)
        self._derive(changes)
        return changes

    def _apply(self, event: ServiceEvent, changes: Changes) -> None:
        if isinstance(event, PostsReceived):
            self._store(event.posts, changes, live=event.live)
        elif isinstance(event, HistoryFetched):
            self._store(event.posts, changes, live=False)
            self._history(event)
            changes.history.append(event.node)
        elif isinstance(event, PostsRetracted):
            changes.retracted += [(r.service, r.node, r.item) for r in self._retract(event.refs)]
        elif isinstance(event, NodePurged):
            self.store.purge_node(event.node)
            changes.purged.append(event.node)
        elif isinstance(event, SubscriptionChanged):
            changes.subscriptions.append(event)
            self._graph(event, changes)
        elif isinstance(event, GRAPH_EVENTS):
            if isinstance(event, FollowsSynced) and (event.added or event.removed):
                changes.follows = True
            self._graph(event, changes)
        elif isinstance(event, EntryRejected):
            changes.rejected.append(event)
        elif isinstance(event, ConnectionChanged):
            changes.connection = event

    def _store(self, posts: tuple[Post, ...], changes: Changes, live: bool) -> None:
        if not posts:
            return
        # Oldest first: posts published in the same second then keep the order they are
        # shown in everywhere (newest first by date, then item id), as rows order ties by id.
        result = self.store.upsert_posts(sorted(posts, key=lambda p: (p.published, p.item_id)))
        changes.new += result.new
        changes.changed += result.changed
        if live:
            changes.live += result.new
        stored = set(result.new) | set(result.changed)
        changes.posts.update((p.key, p) for p in posts if p.key in stored)
        me = self.me()
        if me and result.new:
            changes.notifications += apply_posts(self.store, me, posts, result, live=live)

    def _graph(self, event: object, changes: Changes) -> None:
        me = self.me()
        if not me:
            return
        news: GraphNews = apply_graph_event(self.store, me, event)
        changes.notifications += news.notifications
        changes.messages += news.messages

    def _retract(self, refs: tuple[PostRef, ...]) -> list[PostRef]:
        return self.store.retract(refs)

    def _history(self, event: HistoryFetched) -> None:
        history = self.store.history
        oldest = min(event.posts, key=lambda p: (p.published, p.item_id), default=None)
        if event.kind in ("first", "older"):
            history.set_frontier(event.node, oldest.item_id if oldest else None, event.cursor,
                                 ended=event.cursor is None)
        elif event.kind == "top":
            if not event.joined and event.cursor is not None and oldest is not None:
                history.open_hole(event.node, oldest.item_id, event.cursor, event.missing)
        elif event.kind == "hole" and event.hole is not None:
            if event.joined or event.cursor is None or oldest is None:
                history.close_hole(event.hole)
            else:
                history.move_hole(event.hole, oldest.item_id, event.cursor, event.missing)

    def _own_posts_read(self, changes: Changes) -> None:
        me = self.me()
        own = [PostRef(*k) for k in changes.new if k[0] == me or _by(changes.posts.get(k), me)]
        if own:
            self.store.mark_read(own)

    def _derive(self, changes: Changes) -> None:
        """What to tell the user now: each notification newly stored and still unread (one
        fetched as history is stored read and said nothing), once, in the order it came."""
        said = {a.message for a in changes.activity}
        for note in changes.notifications:
            line = note.headline()
            if note.read or line in said:
                continue
            said.add(line)
            title = "New follower" if note.kind == FOLLOWER else "Activity"
            changes.activity.append(Activity(title, line))
        for line in changes.messages:
            if line not in said:
                said.add(line)
                changes.activity.append(Activity("", line))


def _by(post: Post | None, me: str) -> bool:
    return post is not None and post.author.jid == me and not post.is_comment
