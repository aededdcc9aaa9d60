"""Refusals are refusals, and network failures wait: what publish_or_queue and its
siblings do with posts, comments and likes, on both servers."""

from __future__ import annotations

import pytest

from tests.conftest import account_factory
from tests.integration.test_liveness import eventually
from tests.integration.test_service import online
from xmppsocial.content.compose import comment, like_comment, new_post
from xmppsocial.model import ConnectionState, NodeRef
from xmppsocial.store import Store
from xmppsocial.xmpp.outbox import comment_or_queue, like_or_queue, publish_or_queue
from xmppsocial.xmpp.refusals import Refused
from xmppsocial.xmpp.service import XmppService, flush_outbox

pytestmark = pytest.mark.integration


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "cache.sqlite3")
    yield s
    s.close()


@pytest.mark.parametrize("kind", ["prosody-stock", "ejabberd"])
async def test_a_post_too_big_is_refused_by_name_and_never_queued(server_pool, kind,
                                                                  store) -> None:
    """The defect: on Prosody a 2 MB post was taken for "offline": queued, and the queued
    post then killed every connection."""
    server = server_pool.get("prosody", "stock") if kind == "prosody-stock" \
        else server_pool.get("ejabberd")
    alice, seen = await online(await account_factory(server)("alice"), backoff=(0.2, 1.0))
    alice.on_online = lambda: flush_outbox(alice, store)
    try:
        big = new_post(service=alice.jid, author_name="alice", markdown="word " * 400_000,
                       title="Too big")
        with pytest.raises(Refused) as caught:
            await publish_or_queue(alice, store, big, "open")
        words = caught.value.message
        assert words.startswith("the post is too big for this server (") and " MB" in words
        assert not caught.value.transient and store.outbox() == []
        await eventually(lambda: alice.state is ConnectionState.ONLINE, 60, "online again")
        small = new_post(service=alice.jid, author_name="alice", markdown="a small one")
        assert await publish_or_queue(alice, store, small, "open") == small.item_id
    finally:
        await alice.stop()


async def test_a_forbidden_publish_raises_and_keeps_nothing_queued(xmpp_server, new_account,
                                                                   store) -> None:
    alice, _ = await online(await new_account("alice"))
    carol = await new_account("carol")
    try:
        post = new_post(service=carol.jid, author_name="alice", markdown="not my blog")
        with pytest.raises(Refused):
            await publish_or_queue(alice, store, post)
        assert store.outbox() == []
    finally:
        await alice.stop()


async def test_comments_and_likes_made_offline_wait_and_go_once(xmpp_server, new_account,
                                                                store) -> None:
    """The defect: comments and likes made offline failed instead of waiting."""
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    try:
        parent = new_post(service=alice.jid, author_name="alice", markdown="comment on me",
                          comments=await alice.create_comments_node("parent-000001"),
                          item_id="parent-000001")
        await alice.publish_post(parent, "open")
        bob = XmppService(bob_settings, lambda _e: None)  # not started: offline
        note = comment(parent, service=bob_settings.jid, author_name="bob",
                       markdown="written offline")
        heart = like_comment(parent, service=bob_settings.jid, author_name="bob")
        assert await comment_or_queue(bob, store, note, parent.ref) is None
        assert await like_or_queue(bob, store, parent, heart) is None
        assert [i.action for i in store.pending()] == ["comment", "like"]
        assert store.pending()[0].options["draft"] == \
            f"reply:{alice.jid}:urn:xmpp:microblog:0:parent-000001"
        bob.on_online = lambda: flush_outbox(bob, store)
        await bob.start()
        await eventually(lambda: not store.pending(), 30, "the outbox sent")
        comments = await alice.comments(parent)
        assert [c.text for c in comments if not c.is_like] == ["written offline"]
        assert await alice.likers(parent) == {bob_settings.jid}
        await flush_outbox(bob, store)  # nothing twice
        # Every post has its XEP-0470 node now: the like went there, not as a heart comment.
        assert len(await alice.comments(parent)) == 1
        assert await alice.likers(parent) == {bob_settings.jid}
        await bob.stop()
    finally:
        await alice.stop()


async def test_a_queued_retract_of_something_already_gone_counts_as_done(
        xmpp_server, new_account, store) -> None:
    alice, _ = await online(await new_account("alice"))
    try:
        store.enqueue("retract", NodeRef(alice.jid), "never-existed-1")
        assert await flush_outbox(alice, store) == 0 and store.outbox() == []
    finally:
        await alice.stop()
