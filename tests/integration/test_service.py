"""XmppService end to end on both servers: what a follower sees, and how it survives."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import pytest

from xmppsocial.events import ConnectionChanged, HistoryFetched, PostsReceived, PostsRetracted
from xmppsocial.model import MICROBLOG_NODE, Author, ConnectionState, NodeRef, Post
from xmppsocial.reconnect import Phase
from xmppsocial.xmpp.client import ConnectError, ConnectionSettings
from xmppsocial.xmpp.publishing import AccessModelMismatch
from xmppsocial.xmpp.service import XmppService

pytestmark = pytest.mark.integration


class Recorder:
    """Collects service events and lets a test wait for one that matches."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self.changed = asyncio.Event()

    def __call__(self, event: object) -> None:
        self.events.append(event)
        self.changed.set()

    async def wait_for(self, predicate, timeout: float = 5.0):
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for event in self.events:
                if predicate(event):
                    return event
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no matching event in {timeout} s; got {self.events!r}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass

    def received(self, item_id: str) -> list[Post]:
        """Posts with this id that reached us: pushed, or read back by the catch-up."""
        return [p for e in self.events if isinstance(e, PostsReceived | HistoryFetched)
                for p in e.posts if p.item_id == item_id]


def a_post(service: str, item_id: str, title: str, body: str,
           published: datetime | None = None) -> Post:
    when = published or datetime.now(UTC).replace(microsecond=0)
    return Post(service=service, node=MICROBLOG_NODE, item_id=item_id, title=title,
                published=when, updated=when, author=Author(name="Alice", jid=service),
                text=body, body=body)


async def online(settings: ConnectionSettings, **kwargs) -> tuple[XmppService, Recorder]:
    recorder = Recorder()
    service = XmppService(settings, recorder, **kwargs)
    await service.start()
    return service, recorder


async def test_follower_sees_new_edited_and_retracted_posts(xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, seen = await online(await new_account("bob"))
    try:
        blog = alice.own_blog
        first = a_post(blog.service, "first-post-0001", "Hello", "first post")
        await alice.publish_post(first, access="open")
        await bob.follow(blog)
        await alice.publish_post(a_post(blog.service, "second-post-002", "Again", "second"))
        got = await seen.wait_for(lambda e: isinstance(e, PostsReceived)
                                  and any(p.item_id == "second-post-002" for p in e.posts), 2.0)
        post = next(p for p in got.posts if p.item_id == "second-post-002")
        assert (post.title, post.author.verified) == ("Again", True)
        edited = a_post(blog.service, "second-post-002", "Again, edited", "second (edited)",
                        published=post.published)
        await alice.publish_post(edited)
        await seen.wait_for(lambda e: any(p.title == "Again, edited" for p in seen.received(
            "second-post-002")), 2.0)
        await alice.retract(edited.ref)
        await seen.wait_for(lambda e: isinstance(e, PostsRetracted)
                            and edited.ref in e.refs, 2.0)
        await alice.publish_post(a_post(blog.service, "third-post-0003", "Three", "third"))
        page = await bob.fetch_latest(blog, 10, deliver=False)
        assert [p.item_id for p in page.posts] == ["third-post-0003", "first-post-0001"]
    finally:
        await alice.stop()
        await bob.stop()


async def test_a_burst_of_pushes_arrives_whole_and_in_order(xmpp_server, new_account) -> None:
    """Pushes are read a few at a time between other work; none is lost or reordered."""
    alice, _ = await online(await new_account("alice"))
    bob, seen = await online(await new_account("bob"))
    try:
        blog = alice.own_blog
        await alice.publish_post(a_post(blog.service, "burst-first", "First", "0"), access="open")
        await bob.follow(blog)
        ids = [f"burst-{n:03d}" for n in range(60)]  # several of the service's reading steps
        await asyncio.gather(*(alice.publish_post(a_post(blog.service, i, i, i)) for i in ids))
        await alice.retract(a_post(blog.service, ids[-1], "", "").ref)
        await seen.wait_for(lambda e: isinstance(e, PostsRetracted), 10.0)
        arrived = [p.item_id for e in seen.events if isinstance(e, PostsReceived)
                   for p in e.posts if p.item_id in ids]
        assert sorted(arrived) == ids  # each once
        retracted_at = next(n for n, e in enumerate(seen.events)
                            if isinstance(e, PostsRetracted))
        last_at = next(n for n, e in enumerate(seen.events) if isinstance(e, PostsReceived)
                       and any(p.item_id == ids[-1] for p in e.posts))
        assert last_at < retracted_at  # the retraction is applied after the post it removes
    finally:
        await alice.stop()
        await bob.stop()


async def test_publishing_never_changes_the_blog_audience(xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    try:
        await alice.publish_post(a_post(alice.jid, "private-0001", "Hi", "contacts"),
                                 access="presence")
        with pytest.raises(AccessModelMismatch):
            await alice.publish_post(a_post(alice.jid, "public-00001", "Hi", "all"),
                                     access="open")
        assert await alice.access_model() == "presence"
        await alice.set_access("open")  # the explicit way
        assert await alice.access_model() == "open"
    finally:
        await alice.stop()


async def test_dropped_connection_reconnects_and_catches_up(xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    await alice.publish_post(a_post(alice.jid, "before-drop-01", "Before", "x"), access="open")
    bob_settings = await new_account("bob")
    bob, seen = await online(bob_settings, followed=lambda: [alice.own_blog],
                             backoff=(0.5, 2.0))
    try:
        await bob.follow(alice.own_blog)
        bob.client.transport.abort()  # the network drops under us
        await seen.wait_for(lambda e: e == ConnectionChanged(
            ConnectionState.OFFLINE, "connection lost; reconnecting"))
        await alice.publish_post(a_post(alice.jid, "during-drop-02", "Meanwhile", "y"))
        await seen.wait_for(lambda e: bool(seen.received("during-drop-02")), 15.0)
        assert bob.state is ConnectionState.ONLINE
        assert len({p.raw for p in seen.received("during-drop-02")}) == 1
    finally:
        await alice.stop()
        await bob.stop()


async def test_wrong_password_is_final(xmpp_server, new_account) -> None:
    good = await new_account("carol")
    recorder = Recorder()
    service = XmppService(ConnectionSettings(good.jid, "wrong", good.host, good.port,
                                             good.ca_file), recorder)
    with pytest.raises(ConnectError):
        await service.start(timeout=15)
    assert service.state is ConnectionState.AUTH_FAILED
    await asyncio.sleep(0.3)
    # no retry loop hammering the server: only a "retry now" tries again
    assert service.phase is Phase.GIVEN_UP and service.next_attempt is None
    assert not [e for e in recorder.events if isinstance(e, ConnectionChanged)
                and e.reason.startswith("attempt")]
    assert "refused the password" in service.reason
    await service.stop()


async def test_unreachable_port_is_reported_and_retried(xmpp_server) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    recorder = Recorder()
    service = XmppService(ConnectionSettings(f"nobody@{xmpp_server.domain}", "x", "127.0.0.1",
                                             closed_port, xmpp_server.cafile), recorder,
                          backoff=(0.2, 0.5))
    with pytest.raises(ConnectError):
        await service.start(timeout=10)
    assert service.state is ConnectionState.UNREACHABLE
    await recorder.wait_for(lambda e: e == ConnectionChanged(ConnectionState.CONNECTING,
                                                             "attempt 1"), 5.0)
    await service.stop()
    assert service.state is ConnectionState.OFFLINE


async def test_followers_of_my_blog(xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        await alice.publish_post(a_post(alice.jid, "hello-000001", "Hi", "x"), access="open")
        await bob.follow(NodeRef(alice.jid, MICROBLOG_NODE))
        if xmpp_server.kind == "ejabberd":
            from xmppsocial.xmpp.following import Unsupported
            with pytest.raises(Unsupported):
                await alice.subscribers()
        else:
            assert bob.jid in await alice.subscribers()
    finally:
        await alice.stop()
        await bob.stop()


@pytest.mark.parametrize("opted_in", [False, True])
async def test_capabilities_advertise_notify_only_when_opted_in(xmpp_server, new_account,
                                                                opted_in) -> None:
    from xmppsocial.xmpp import discovery

    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"), notify_contacts=opted_in)
    try:
        _, features = await discovery.info(alice.client, bob.client.boundjid.full)
        assert {"urn:xmpp:microblog:0", "urn:xmpp:pubsub-social-feed:1"} <= features
        assert ("urn:xmpp:microblog:0+notify" in features) is opted_in
    finally:
        await alice.stop()
        await bob.stop()


async def test_untrusted_certificate_state(xmpp_server, new_account) -> None:
    good = await new_account("dave")
    service = XmppService(ConnectionSettings(good.jid, good.password, good.host, good.port,
                                             ca_file=None), Recorder())
    with pytest.raises(ConnectError):
        await service.start(timeout=15)
    assert service.state is ConnectionState.CERT_REJECTED
    assert service.phase is Phase.GIVEN_UP and service.next_attempt is None
    assert "--ca-file" in service.reason and "certificate rejected" not in service.reason
    await service.stop()


async def test_payload_less_push_is_fetched_by_id(xmpp_server, new_account) -> None:
    from xmppsocial.xmpp import nodes

    alice, _ = await online(await new_account("alice"))
    bob, seen = await online(await new_account("bob"))
    feed = NodeRef(alice.jid, "urn:xmpp:pubsub-social-feed:1:notes")
    try:
        await nodes.create(alice.client, feed.service, feed.node, [
            {"pubsub#access_model": "open", "pubsub#max_items": "max",
             "pubsub#deliver_payloads": "0"}])
        await bob.follow(feed)
        fetched_by_id: list[list[str]] = []
        original = bob.fetch_by_ids

        async def recording(node, ids):
            fetched_by_id.append(list(ids))
            return await original(node, ids)

        bob.fetch_by_ids = recording
        post = a_post(alice.jid, "quiet-post-01", "Quiet", "no payload in the push")
        from dataclasses import replace
        await alice.publish_post(replace(post, node=feed.node))
        await seen.wait_for(lambda e: bool(seen.received("quiet-post-01")), 3.0)
        (got,) = seen.received("quiet-post-01")
        assert got.text == "no payload in the push" and got.node == feed.node
        assert fetched_by_id == [["quiet-post-01"]]  # the push carried only the id
    finally:
        await alice.stop()
        await bob.stop()


async def test_follow_list_and_discovery(xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        await alice.publish_post(a_post(alice.jid, "hello-000002", "Hi", "x"), access="open")
        await bob.follow(alice.own_blog)
        subs = await bob.subscriptions_at(alice.jid)
        assert [(s.node, s.state) for s in subs] == [(alice.own_blog, "subscribed")]
        assert await bob.pubsub_services() == [xmpp_server.pubsub_domain]
        assert alice.own_blog in await alice.blogs_of(alice.jid)
    finally:
        await alice.stop()
        await bob.stop()
