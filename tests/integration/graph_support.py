"""Helpers for the social-graph tests: accounts online the way the app runs them, raw
clients, and everything stopped at the end."""

from __future__ import annotations

import asyncio

from tests.integration.test_service import Recorder, a_post
from xmppsocial.applying import EventApplier
from xmppsocial.store import Store
from xmppsocial.xmpp.client import SocialClient
from xmppsocial.xmpp.service import XmppService


async def started_things(tmp_path):
    """The ``running`` fixture of the graph tests (``running = pytest.fixture(...)``)."""
    started = Running(tmp_path)
    yield started
    await started.stop_all()


class Running:
    """Everything a test started (services, raw clients, caches), stopped and closed at the
    end whatever happened, so no background task outlives its cache."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        self.things: list[object] = []

    def store(self, name: str) -> Store:
        store = Store(self.tmp_path / f"{name}.sqlite3")
        self.things.append(store)
        return store

    async def service(self, settings, store: Store | None = None, **kwargs):
        """The account online; with ``store``, the way the app runs it (its cache as the
        book, events applied to it)."""
        sink = Applying(store, settings.jid) if store is not None else Recorder()
        extra = {"followed": store.followed_nodes, "book": store} if store is not None else {}
        service = XmppService(settings, sink, **extra, **kwargs)
        self.things.append(service)
        await service.start()
        return service, sink

    async def raw(self, settings) -> SocialClient:
        """Another client of an account, speaking raw XML (as Movim would)."""
        client = SocialClient(settings, present=False)
        self.things.append(client)
        await client.start()
        return client

    async def stop_all(self) -> None:
        for thing in reversed(self.things):
            if isinstance(thing, Store):
                thing.close()
            else:
                await thing.stop()  # type: ignore[attr-defined]


class Applying(Recorder):
    """Records the service's events and applies them to the account's cache as the app
    does (its EventApplier): posts stored, graph events stored, notifications derived."""

    def __init__(self, store: Store, me: str) -> None:
        super().__init__()
        self.store, self.me, self.news = store, me, []
        self.applier = EventApplier(store, lambda: me)  # the app's own

    def __call__(self, event: object) -> None:
        self.news += self.applier.apply([event]).messages  # type: ignore[list-item]
        super().__call__(event)


async def publish_something(running: Running, settings, item: str) -> None:
    owner, _ = await running.service(settings)
    await owner.publish_post(a_post(owner.jid, item, "Hello", "hi"), access="open")
    await owner.stop()


async def become_contacts(a: XmppService, b: XmppService) -> None:
    """Mutual presence subscription, approved on both sides. One direction after the
    other: two subscribes crossing each other leave ejabberd's rosters half done now
    and then."""
    for one in (a, b):
        one.client.add_event_handler(
            "presence_subscribe",
            lambda p, c=one.client: c.send_presence(pto=p["from"].bare, ptype="subscribed"))

    def state(x: XmppService, y: XmppService) -> str:
        return x.client.client_roster[y.jid]["subscription"]

    async def until(done, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = asyncio.get_running_loop().time() + 30
        while not done():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the two accounts did not become mutual contacts "
                                     f"({what}: {state(a, b)!r} / {state(b, a)!r})")
            await asyncio.sleep(0.1)

    a.client.send_presence(pto=b.jid, ptype="subscribe")
    await until(lambda: state(a, b) in ("to", "both"), "first direction")
    if state(b, a) != "both":
        b.client.send_presence(pto=a.jid, ptype="subscribe")
    await until(lambda: state(a, b) == "both" and state(b, a) == "both", "both directions")
