"""XmppService: one account's connection, kept alive, speaking the social-feed protocol.

The rest of the program calls its coroutines and receives plain events
(xmppsocial.events) through a sink callable; it never sees a stanza. The
service must be constructed inside the running loop (see client.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from xmppsocial.events import (
    ConnectionChanged,
    EntryRejected,
    NodePurged,
    PostsReceived,
    PostsRetracted,
    ServiceEvent,
    SubscriptionChanged,
)
from xmppsocial.model import MICROBLOG_NODE, ConnectionState, NodeRef, Post, PostRef
from xmppsocial.xmpp import catchup, graph_watch
from xmppsocial.xmpp.catchup import CacheView
from xmppsocial.xmpp.client import ConnectError, ConnectionSettings, SocialClient
from xmppsocial.xmpp.graph_sync import FollowBook
from xmppsocial.xmpp.iq import NS_EVENT, ServiceError
from xmppsocial.xmpp.operations import Operations
from xmppsocial.xmpp.pushes import Deduper, Push, read_push

log = logging.getLogger(__name__)

FEATURES = (MICROBLOG_NODE, "urn:xmpp:pubsub-social-feed:1")
FINAL_STATES = (ConnectionState.AUTH_FAILED, ConnectionState.CERT_REJECTED)
PUSH_STEP = 16  # pushed items read per turn of the loop: a few ms on a slow machine

Sink = Callable[[ServiceEvent], None]


class XmppService(Operations):
    """Owns the client, reconnects with backoff and jitter, resyncs, turns pushes into events.

    Args:
        settings: how to reach and log in to the account.
        sink: receives every ServiceEvent, on the loop's thread.
        followed: returns the nodes to resync after each (re)connection.
        resync_on_connect: False for one-shot commands that fetch what they need.
        notify_contacts: also advertise ``urn:xmpp:microblog:0+notify`` (contact-based
            delivery); off unless the user opts in.
        on_online: awaited after each (re)connection and resync, e.g. to flush the outbox.
        present: False for one-shot commands: no roster, caps or presence, so no pushes.
        book: the cache's follows, merged with the account's follow lists after each
            (re)connection (xmpp/graph_watch.py); None leaves follows alone.
        public_follows: whether a new follow is public (listed for contacts) by default.
        history: the cache's newest post per blog, where the resync's catch-up stops
            (Store.history); without it every blog gets its newest page.
    """

    def __init__(self, settings: ConnectionSettings, sink: Sink, *,
                 followed: Callable[[], Iterable[NodeRef]] = tuple,
                 notify_contacts: bool = False, resync_count: int = 20,
                 backoff: tuple[float, float] = (1.0, 60.0),
                 on_online: Callable[[], object] | None = None,
                 resync_on_connect: bool = True, present: bool = True,
                 book: FollowBook | None = None, public_follows: bool = False,
                 history: CacheView | None = None) -> None:
        interests = ((MICROBLOG_NODE,) if notify_contacts else ()) + graph_watch.INTERESTS
        super().__init__(SocialClient(settings, features=FEATURES, interests=interests,
                                      present=present))
        self.settings = settings
        self.sink = sink
        self.followed = followed
        self.resync_count = resync_count
        self.backoff = backoff
        self.on_online = on_online
        self.resync_on_connect = resync_on_connect
        self.history = history
        self.catch_up_pages = catchup.PAGES
        self.own_blog_followed = False
        self.state = ConnectionState.OFFLINE
        self.dedupe = Deduper()
        self._stopping = False
        self._reconnector: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[object]] = set()
        self._pushes: deque[Push] = deque()
        self._draining = False
        self.follows_public = public_follows
        self.graph = graph_watch.GraphSync(self, book)
        self.client.register_handler(Callback(
            "xmppsocial pubsub events",
            MatchXPath(f"{{{self.client.default_ns}}}message/{{{NS_EVENT}}}event"),
            self._on_event_message))
        self.client.add_event_handler("disconnected", self._on_disconnected)

    # ------------------------------------------------------------------ lifecycle
    @property
    def jid(self) -> str:
        return self.client.boundjid.bare

    @property
    def own_blog(self) -> NodeRef:
        return NodeRef(self.jid, MICROBLOG_NODE)

    def _set_state(self, state: ConnectionState, reason: str = "") -> None:
        self.state = state
        self.sink(ConnectionChanged(state, reason))

    async def start(self, timeout: float = 30.0) -> None:
        """Connect now. A wrong password or certificate raises ConnectError and stays
        final; an unreachable server is retried in the background with backoff."""
        self._stopping = False
        self._set_state(ConnectionState.CONNECTING)
        try:
            await self.client.start(timeout)
        except ConnectError as exc:
            self._set_state(exc.state, exc.reason)
            if exc.state not in FINAL_STATES:
                self._schedule_reconnect()
            raise
        await self._came_online()

    async def stop(self) -> None:
        self._stopping = True
        if self._reconnector is not None:
            self._reconnector.cancel()
        for task in list(self._tasks):
            task.cancel()
        await self.client.stop()
        self._set_state(ConnectionState.OFFLINE, "disconnected")

    async def _came_online(self) -> None:
        self.forget_nodes()
        self._set_state(ConnectionState.ONLINE)
        await self.graph.after_connect()  # follows on the account, before the resync uses them
        if self.resync_on_connect:
            await self.resync()
        if self.on_online is not None:
            result = self.on_online()
            if asyncio.iscoroutine(result):
                await result

    def _on_disconnected(self, _reason: object) -> None:
        if self._stopping or self.state is not ConnectionState.ONLINE:
            return
        self._set_state(ConnectionState.OFFLINE, "connection lost; reconnecting")
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._reconnector is None or self._reconnector.done():
            self._reconnector = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        base, ceiling = self.backoff
        attempt = 0
        while not self._stopping:
            # Jitter spreads the reconnections of many clients after a server restart.
            delay = min(ceiling, base * 2 ** attempt) * random.uniform(0.5, 1.5)
            await asyncio.sleep(delay)
            attempt += 1
            self._set_state(ConnectionState.CONNECTING, f"attempt {attempt}")
            try:
                await self.client.start()
            except ConnectError as exc:
                self._set_state(exc.state, exc.reason)
                if exc.state in FINAL_STATES:
                    return
                continue
            await self._came_online()
            return

    async def resync(self) -> None:
        """Catch up on everything followed and my own blog (servers keep no pushes for us):
        each blog read back to the newest post the cache holds, as HistoryFetched events.
        My own blog is followed explicitly too, so that posts made elsewhere (the CLI, an
        import, another device) are pushed to this session."""
        nodes = list(dict.fromkeys([self.own_blog, *self.followed()]))
        gate = asyncio.Semaphore(8)
        self.own_blog_followed = False  # a restarted server may have forgotten it

        async def one(node: NodeRef) -> None:
            async with gate:
                event = await catchup.catch_up(self, self.history, node,
                                               page=self.resync_count,
                                               pages=self.catch_up_pages)
            self.sink(event)

        results = await asyncio.gather(self.follow_own_blog(),
                                       *(one(node) for node in nodes), return_exceptions=True)
        for node, result in zip(nodes, results[1:], strict=True):
            if isinstance(result, BaseException):
                log.info("resync of %s failed: %s", node, result)

    async def follow_own_blog(self) -> bool:
        """Subscribe to my own blog (once it exists); returns whether we are subscribed."""
        if not self.own_blog_followed:
            try:
                await self.follow(self.own_blog)
                self.own_blog_followed = True
            except ServiceError as exc:  # no blog yet: followed after the first post
                log.info("cannot follow my own blog yet: %s", exc)
        return self.own_blog_followed

    # ------------------------------------------------------------------ pushes
    def _on_event_message(self, message: object) -> None:
        pushes = read_push(message.xml)  # type: ignore[attr-defined]
        if not pushes:
            return
        self._pushes.extend(pushes)
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().call_soon(self._drain_pushes)

    def _drain_pushes(self) -> None:
        """Handle queued pushes, about PUSH_STEP items per turn of the loop, in order.

        A burst arrives hundreds of messages to one socket read; reading all their
        entries there and then held the loop, and the keys of the app sharing it, for
        a tenth of a second.
        """
        budget = PUSH_STEP
        while self._pushes and budget > 0:
            push = self._pushes.popleft()
            budget -= max(len(push.items), 1)
            self._handle_push(push)
        if self._pushes:
            asyncio.get_running_loop().call_soon(self._drain_pushes)
        else:
            self._draining = False

    def _handle_push(self, push: Push) -> None:
        if self.graph.take_push(push):  # follow lists, attachments (likes)
            return
        node = NodeRef(push.service, push.node)
        if push.items:
            missing = [i.item_id for i in push.items if i.payload is None]
            with_payload = [i for i in push.items if i.payload is not None]
            posts = self.read_items(node, with_payload, live=True)
            if posts:
                self.sink(PostsReceived(tuple(posts), live=True))
            if missing:
                # Nodes with deliver_payloads=false (Movim's comments) push ids only.
                self._spawn(self._fetch_missing(node, missing))
        if push.retracted:
            for item_id in push.retracted:
                self.dedupe.forget(push.service, push.node, item_id)
            self.sink(PostsRetracted(tuple(PostRef(push.service, push.node, i)
                                           for i in push.retracted)))
        if push.purged or push.deleted:
            self.sink(NodePurged(node, deleted=push.deleted))
        for jid, state in push.subscriptions:
            self.sink(SubscriptionChanged(node, jid, state))

    async def _fetch_missing(self, node: NodeRef, ids: list[str]) -> None:
        try:
            posts = await self.fetch_by_ids(node, ids)
        except ServiceError as exc:
            log.info("could not fetch pushed items %s of %s: %s", ids, node, exc)
            return
        if posts:
            self.sink(PostsReceived(tuple(posts), live=True))

    def _spawn(self, coro: object) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def reject(self, ref: PostRef, reason: str) -> None:
        self.sink(EntryRejected(ref, reason))

    def deliver(self, posts: list[Post], live: bool) -> None:
        if posts:
            self.sink(PostsReceived(tuple(posts), live=live))

    def payload_text(self, element: ET.Element) -> str:
        return ET.tostring(element, encoding="unicode")


class Outbox(Protocol):
    """What the service needs from the store's outbox (xmppsocial.store.Store has it)."""

    def pending(self) -> list[Any]: ...

    def sent(self, outbox_id: int) -> None: ...

    def attempt_failed(self, outbox_id: int, error: str) -> None: ...

    def enqueue(self, kind: str, node: NodeRef, item_id: str, payload: str = "") -> int: ...


async def publish_or_queue(service: XmppService, outbox: Outbox, post: Post,
                           access: str | None = None) -> str | None:
    """Publish now, or keep the post in the outbox when offline; returns the item id once
    published, None when queued. The item id makes a later resend replace, not duplicate."""
    from xmppsocial.microblog import build_entry

    if service.state is ConnectionState.ONLINE:
        try:
            return await service.publish_post(post, access)
        except ServiceError as exc:
            if not exc.has("offline") and not exc.has("timeout"):
                raise
    # The audience rides in the kind: a blog created by the replay gets the one asked for.
    kind = f"publish:{access}" if access else "publish"
    outbox.enqueue(kind, post.ref.node_ref, post.item_id,
                   ET.tostring(build_entry(post), encoding="unicode"))
    return None


async def flush_outbox(service: XmppService, outbox: Outbox) -> int:
    """Send what waited in the outbox, oldest first; each item once. Returns how many went."""
    sent = 0
    for item in outbox.pending():
        try:
            if item.kind == "retract":
                await service.retract(PostRef(item.node.service, item.node.node, item.item_id))
            else:
                access = item.kind.partition(":")[2] or None
                await service.publish_entry(item.node, item.item_id, ET.fromstring(item.payload),
                                            access)
        except ServiceError as exc:
            outbox.attempt_failed(item.id, exc.message)
            if exc.has("offline") or exc.has("timeout"):
                break
            continue
        outbox.sent(item.id)
        sent += 1
    return sent
