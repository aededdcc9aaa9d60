"""XmppService: one account's connection, kept alive, speaking the social-feed protocol.

The rest of the program calls its coroutines and receives plain events
(xmppsocial.events) through a sink callable; it never sees a stanza. The
service must be constructed inside the running loop (see client.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from xmppsocial.events import (
    ConnectionChanged,
    EntryRejected,
    NodePurged,
    PostsReceived,
    PostsRetracted,
    ReconnectScheduled,
    ServiceEvent,
    SessionStep,
    SubscriptionChanged,
)
from xmppsocial.model import MICROBLOG_NODE, ConnectionState, NodeRef, Post, PostRef
from xmppsocial.reconnect import Backoff, Dropped, Phase, Report, Step, Supervisor
from xmppsocial.xmpp import catchup, following, graph_watch
from xmppsocial.xmpp.catchup import CacheView
from xmppsocial.xmpp.client import BadSettings, ConnectError, ConnectionSettings, SocialClient
from xmppsocial.xmpp.graph_sync import FollowBook
from xmppsocial.xmpp.iq import NS_EVENT, ServiceError
from xmppsocial.xmpp.operations import Operations
from xmppsocial.xmpp.outbox import Outbox, flush_outbox, publish_or_queue
from xmppsocial.xmpp.pushes import Deduper, Push, read_push

log = logging.getLogger(__name__)

FEATURES = (MICROBLOG_NODE, "urn:xmpp:pubsub-social-feed:1")
FINAL_STATES = (ConnectionState.AUTH_FAILED, ConnectionState.CERT_REJECTED)
PUSH_STEP = 16  # pushed items read per turn of the loop: a few ms on a slow machine
RESUME_GRACE = 30.0  # a resumed session lost sooner than this is not resumed again

Sink = Callable[[ServiceEvent], None]

__all__ = ["Outbox", "XmppService", "flush_outbox", "publish_or_queue"]


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
        self.on_online = on_online
        self.resync_on_connect = resync_on_connect
        self.history = history
        self.catch_up_pages = catchup.PAGES
        self.own_blog_followed = False
        self.state = ConnectionState.OFFLINE
        self.reason = ""
        # SessionStep events ("catching up", "sending the outbox") for a status line that
        # shows them. Off by default: today's TUI would take them during its teardown.
        self.step_events = False
        self.dedupe = Deduper()
        self._stopping = False
        self._caught_up = self._graph_merged = False
        self._resumed, self._online_at = False, 0.0
        self._timeout = 30.0
        self._tasks: set[asyncio.Task[object]] = set()
        self._pushes: deque[Push] = deque()
        self._draining = False
        self.follows_public = public_follows
        self.graph = graph_watch.GraphSync(self, book)
        self._supervisor = Supervisor(self._connect, self._came_online, is_final=_is_final,
                                      report=self._report, backoff=Backoff(*backoff))
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

    @property
    def backoff(self) -> tuple[float, float]:
        return (self._supervisor.backoff.base, self._supervisor.backoff.ceiling)

    @backoff.setter
    def backoff(self, value: tuple[float, float]) -> None:
        self._supervisor.backoff = Backoff(*value)

    @property
    def ping_interval(self) -> float:
        """Seconds of silence before the connection is checked (from the next session)."""
        return self.client.settings.ping_interval

    @ping_interval.setter
    def ping_interval(self, seconds: float) -> None:
        self.client.settings = replace(self.client.settings, ping_interval=seconds)

    @property
    def phase(self) -> Phase:
        """Where reconnecting stands (waiting, connecting, setting up, online, given up)."""
        return self._supervisor.phase

    @property
    def next_attempt(self) -> float | None:
        """When (``time.time()``) the next connection attempt is due, while waiting."""
        return self._supervisor.next_attempt

    def retry_now(self) -> None:
        """Try to connect at once instead of waiting out the backoff (a "retry now" key)."""
        self._supervisor.retry_now()

    def _set_state(self, state: ConnectionState, reason: str = "") -> None:
        if (state, reason) == (self.state, self.reason) and state is not ConnectionState.OFFLINE:
            return
        self.state, self.reason = state, reason
        self.sink(ConnectionChanged(state, reason))

    async def start(self, timeout: float = 30.0) -> None:
        """Connect now. A wrong password or certificate raises ConnectError and stays
        final; an unreachable server is retried in the background with backoff."""
        self._stopping = False
        self._timeout = timeout
        self._set_state(ConnectionState.CONNECTING)
        try:
            await self._supervisor.start()
        except Dropped as exc:
            raise ConnectError(ConnectionState.UNREACHABLE, f"{exc}; reconnecting") from None

    async def stop(self) -> None:
        self._stopping = True
        await self._supervisor.stop()
        for task in list(self._tasks):
            task.cancel()
        await self.client.stop()
        self._set_state(ConnectionState.OFFLINE, "disconnected")

    async def _connect(self) -> bool:
        if self.client.is_connected():  # what is left of a connection declared dead
            self.client.abort()
            await asyncio.sleep(0)
        try:
            resumed = await self.client.start(self._timeout)
        except ConnectError as exc:
            self._set_state(exc.state, exc.reason)
            raise
        if not resumed:
            self.forget_nodes()
        self._resumed, self._online_at = resumed, time.monotonic()
        self._set_state(ConnectionState.ONLINE, "resumed" if resumed else "")
        log.info("online as %s%s", self.client.boundjid, " (resumed)" if resumed else "")
        return resumed

    def _came_online(self, resumed: bool) -> list[Step]:
        """What runs, in this order, after each connection. A resumed session (XEP-0198)
        lost nothing: the server kept our subscriptions and resent what we missed."""
        steps: list[Step] = []
        if not resumed:
            self._caught_up = self._graph_merged = False
        # The follows on the account first: the catch-up reads what they name.
        if not self._graph_merged:
            steps.append(("reading the follows", self._merge_graph))
        # A catch-up cut short by a drop is done again, even on a resumed session.
        if self.resync_on_connect and not self._caught_up:
            steps.append(("catching up", self._catch_up))
        if self.on_online is not None:
            steps.append(("sending the outbox", self._run_on_online))
        return steps

    async def _merge_graph(self) -> None:
        await self.graph.after_connect()
        self._graph_merged = True

    async def _catch_up(self) -> None:
        await self.resync()
        self._caught_up = True

    async def _run_on_online(self) -> None:
        result = self.on_online() if self.on_online is not None else None
        if asyncio.iscoroutine(result):
            await result

    def _report(self, report: Report) -> None:
        if report.phase is Phase.CONNECTING and report.attempt:
            self._set_state(ConnectionState.CONNECTING, report.detail)
        elif report.phase is Phase.SETTING_UP and self.step_events:
            self.sink(SessionStep(report.detail))
        elif report.phase is Phase.ONLINE and self.step_events:
            self.sink(SessionStep(""))
        elif report.phase is Phase.WAITING and report.next_attempt is not None:
            log.info("next connection attempt in %.1f s (%s)",
                     report.next_attempt - time.time(), report.detail)
            self.sink(ReconnectScheduled(report.next_attempt, report.attempt, report.detail))

    def _on_disconnected(self, _reason: object) -> None:
        # While connecting, SocialClient.start sees the drop itself; a late event from a
        # connection already given up must not cost the next one.
        if self._stopping or self.phase not in (Phase.SETTING_UP, Phase.ONLINE):
            return
        reason = self.client.drop_reason or "connection lost"
        log.info("disconnected from %s: %s", self.client.address, reason)
        if self._resumed and time.monotonic() - self._online_at < RESUME_GRACE:
            # A resumed stream that dies at once may die of what it sent again (an item
            # the path cannot carry): the next session starts afresh, without it.
            log.info("resumed session lost at once: the next one starts afresh")
            self.client.forget_stream()
        self._set_state(ConnectionState.OFFLINE, f"{reason}; reconnecting")
        self._supervisor.dropped(reason)

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
                # The subscription only: my own blog is not written into my follow lists,
                # where Movim would show me following myself.
                await following.subscribe(self.client, self.own_blog)
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


def _is_final(exc: BaseException) -> bool:
    return isinstance(exc, BadSettings) or (isinstance(exc, ConnectError)
                                            and exc.state in FINAL_STATES)
