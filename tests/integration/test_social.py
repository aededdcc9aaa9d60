"""Comments, likes and the outbox on both servers, through XmppService and the store."""

from __future__ import annotations

import pytest

from tests.integration.test_service import online
from xmppsocial.content.compose import comment, like_comment, new_post
from xmppsocial.events import PostsReceived
from xmppsocial.model import ConnectionState
from xmppsocial.store import Store
from xmppsocial.xmpp.service import XmppService, flush_outbox, publish_or_queue

pytestmark = pytest.mark.integration


async def test_comment_reaches_the_author_and_a_heart_counts_as_a_like(xmpp_server,
                                                                       new_account) -> None:
    alice, alice_seen = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        comments = await alice.create_comments_node("garden-post-01")
        post = new_post(service=alice.jid, author_name="Alice", markdown="My *garden*",
                        title="Garden", item_id="garden-post-01", comments=comments)
        await alice.publish_post(post, access="open")
        await alice.follow_comments(post)  # the author wants live comments
        fetched = await bob.fetch_post(post.ref)
        assert fetched.comments == comments
        note = comment(fetched, service=bob.jid, author_name="Bob", markdown="Lovely!")
        await bob.publish_comment(note)
        got = await alice_seen.wait_for(lambda e: isinstance(e, PostsReceived) and any(
            p.item_id == note.item_id for p in e.posts), 3.0)
        pushed = next(p for p in got.posts if p.item_id == note.item_id)
        assert (pushed.title, pushed.author.jid) == ("Lovely!", bob.jid)
        await bob.publish_comment(like_comment(fetched, service=bob.jid, author_name="Bob"))
        thread = await alice.comments(post)
        assert [c.title for c in thread if not c.is_like] == ["Lovely!"]
        assert await alice.likers(post) == {bob.jid}
    finally:
        await alice.stop()
        await bob.stop()


async def test_like_uses_an_attachments_node_when_the_post_has_one(xmpp_server,
                                                                   new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        post = new_post(service=alice.jid, author_name="Alice", markdown="React to me",
                        item_id="react-post-01")
        await alice.publish_post(post, access="open")
        await alice.create_attachments_node(post)
        assert await bob.like(post) == "attachment"
        assert await alice.likers(post) == {bob.jid}
    finally:
        await alice.stop()
        await bob.stop()


async def test_a_post_written_offline_is_delivered_once_after_restart(xmpp_server, new_account,
                                                                      tmp_path) -> None:
    bob_settings = await new_account("bob")
    alice, seen = await online(await new_account("alice"))
    store = Store(tmp_path / "bob.sqlite3")
    try:
        bob, _ = await online(bob_settings)
        await bob.publish_post(new_post(service=bob.jid, author_name="Bob", markdown="first",
                                        item_id="first-post-01"), access="open")
        await alice.follow(bob.own_blog)
        await bob.stop()
        assert bob.state is ConnectionState.OFFLINE
        offline_post = new_post(service=bob.jid, author_name="Bob", markdown="written offline",
                                item_id="offline-post-1")
        assert await publish_or_queue(bob, store, offline_post) is None
        assert [i.item_id for i in store.pending()] == ["offline-post-1"]
        store.close()

        # the app restarts: a new service, the same cache file
        store = Store(tmp_path / "bob.sqlite3")
        restarted = XmppService(bob_settings, lambda e: None)
        restarted.on_online = lambda: flush_outbox(restarted, store)
        await restarted.start()
        await seen.wait_for(lambda e: bool(seen.received("offline-post-1")), 3.0)
        assert store.pending() == []
        await flush_outbox(restarted, store)  # nothing left to send twice
        page = await alice.fetch_latest(bob.own_blog, 10, deliver=False)
        assert [p.item_id for p in page.posts].count("offline-post-1") == 1
        await restarted.stop()
    finally:
        store.close()
        await alice.stop()
