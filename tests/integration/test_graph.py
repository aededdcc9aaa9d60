"""The social graph on real servers: follows that roam in Movim's format, followers, and
activity on my posts becoming stored notifications."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest

from tests.integration.graph_support import become_contacts, publish_something, started_things
from tests.integration.test_service import a_post
from xmppsocial.content.compose import comment, like_comment, new_post
from xmppsocial.events import (
    AttachmentsReceived,
    FollowersListed,
    FollowsSynced,
    PostsReceived,
    PublicFollowsReceived,
)
from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.xmpp import following, iq, nodes, reading
from xmppsocial.xmpp.client import SocialClient
from xmppsocial.xmpp.iq import NS_PUBSUB

pytestmark = pytest.mark.integration

running = pytest.fixture(name="running")(started_things)

PRIVATE = "urn:xmpp:pubsub:movim-public-subscription"
PUBLIC = "urn:xmpp:pubsub:subscription"
NS_SUB = "urn:xmpp:pubsub:subscription:0"


def movim_id(service: str, node: str, me: str) -> str:
    return hashlib.sha1(f"{service}<{node}<{me}".encode()).hexdigest()


async def list_items(client: SocialClient, owner: str, node: str) -> list[ET.Element]:
    reply = await iq.send(client, owner, "get", reading.items_request(node, max_items=100))
    return list(reply.iter(f"{{{NS_PUBSUB}}}item"))


async def test_a_follow_roams_to_a_fresh_cache_with_its_posts_and_pushes(
        xmpp_server, new_account, running) -> None:
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    alice, _ = await running.service(alice_s)
    await alice.publish_post(a_post(alice.jid, "before-follow-1", "Before", "x"), access="open")
    first, fresh = running.store("laptop-a"), running.store("laptop-b")
    bob_a, _ = await running.service(bob_s, first)
    await bob_a.follow(alice.own_blog)
    first.set_followed(alice.own_blog, True)
    await bob_a.stop()

    bob_b, seen = await running.service(bob_s, fresh)  # a new laptop: one connect
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.added == (alice.own_blog,)
    assert fresh.follows() == {alice.own_blog: False}
    await seen.wait_for(lambda e: bool(seen.received("before-follow-1")))  # her posts
    await alice.publish_post(a_post(alice.jid, "after-follow-01", "After", "y"))
    await seen.wait_for(lambda e: isinstance(e, PostsReceived) and e.live and any(
        p.item_id == "after-follow-01" for p in e.posts), 10.0)  # and her next one, pushed
    assert fresh.get_post(a_post(alice.jid, "after-follow-01", "", "").ref) is not None


async def test_a_movim_follow_is_ours_and_ours_reads_back_in_movims_format(
        xmpp_server, new_account, running) -> None:
    carol_s, dave_s, bob_s = (await new_account("carol"), await new_account("dave"),
                              await new_account("bob"))
    await publish_something(running, carol_s, "carol-post-001")
    await publish_something(running, dave_s, "dave-post-0001")
    movim = await running.raw(bob_s)  # bob's other client, writing what Movim writes
    await nodes.create(movim, bob_s.jid, PRIVATE, [{
        "pubsub#access_model": "whitelist", "pubsub#max_items": "max",
        "pubsub#persist_items": "1", "pubsub#send_last_published_item": "never"}])
    await iq.send(movim, bob_s.jid, "set", _publish(PRIVATE, movim_id(
        carol_s.jid, MICROBLOG_NODE, bob_s.jid), NS_SUB, carol_s.jid))
    await following.subscribe(movim, NodeRef(carol_s.jid))

    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.added == (NodeRef(carol_s.jid),) and synced.problems == ()
    assert store.follows() == {NodeRef(carol_s.jid): False}  # we list carol
    await seen.wait_for(lambda e: bool(seen.received("carol-post-001")))

    # ejabberd lists subscriptions to any PEP blog here, carol's too: compare, not count
    before = await following.my_subscriptions(movim, dave_s.jid, MICROBLOG_NODE)
    await bob.follow(NodeRef(dave_s.jid), public=True)
    assert len(await following.my_subscriptions(movim, dave_s.jid, MICROBLOG_NODE)) == \
        len(before) + 1
    dave_id = movim_id(dave_s.jid, MICROBLOG_NODE, bob_s.jid)
    for list_node in (PRIVATE, PUBLIC):
        written = [i for i in await list_items(movim, bob_s.jid, list_node)
                   if i.get("id") == dave_id]
        assert len(written) == 1, list_node
        (payload,) = list(written[0])
        assert payload.tag == f"{{{NS_SUB}}}subscription" and list(payload) == []
        assert payload.attrib == {"server": dave_s.jid, "node": MICROBLOG_NODE}
    private = await nodes.get_config(movim, bob_s.jid, PRIVATE)
    public = await nodes.get_config(movim, bob_s.jid, PUBLIC)
    assert (private.access_model, public.access_model) == ("whitelist", "presence")
    assert public.max_items not in ("0", "1")  # every follow kept, not only the last

    await bob.unfollow(NodeRef(dave_s.jid))
    for list_node in (PRIVATE, PUBLIC):
        assert dave_id not in [i.get("id") for i in await list_items(movim, bob_s.jid,
                                                                     list_node)]
    assert await following.my_subscriptions(movim, dave_s.jid, MICROBLOG_NODE) == before


def _publish(list_node: str, item_id: str, namespace: str, server: str) -> ET.Element:
    request = iq.pubsub()
    publish = ET.SubElement(request, f"{{{NS_PUBSUB}}}publish", node=list_node)
    item = ET.SubElement(publish, f"{{{NS_PUBSUB}}}item", id=item_id)
    ET.SubElement(item, f"{{{namespace}}}subscription", server=server, node=MICROBLOG_NODE)
    return request


def _retract(list_node: str, item_id: str) -> ET.Element:
    request = iq.pubsub()
    retract = ET.SubElement(request, f"{{{NS_PUBSUB}}}retract", node=list_node)
    ET.SubElement(retract, f"{{{NS_PUBSUB}}}item", id=item_id)
    return request


async def test_a_listed_follow_without_a_subscription_is_subscribed(
        xmpp_server, new_account, running) -> None:
    carol_s, bob_s = await new_account("carol"), await new_account("bob")
    carol, _ = await running.service(carol_s)
    await carol.publish_post(a_post(carol.jid, "carol-post-002", "Carol", "hi"), access="open")
    other = await running.raw(bob_s)
    await nodes.create(other, bob_s.jid, PRIVATE, [{"pubsub#access_model": "whitelist",
                                                    "pubsub#max_items": "max"}])
    # an id of another client's making, and the older payload namespace Movim still reads
    await iq.send(other, bob_s.jid, "set", _publish(PRIVATE, "written-by-an-old-client",
                                                    "urn:xmpp:pubsub:subscription",
                                                    carol_s.jid))
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert store.follows() == {NodeRef(carol_s.jid): False}
    await seen.wait_for(lambda e: isinstance(e, FollowersListed))  # after the subscriptions
    assert await following.my_subscriptions(other, carol_s.jid, MICROBLOG_NODE) != []
    await carol.publish_post(a_post(carol.jid, "carol-post-003", "Again", "pushed"))
    await seen.wait_for(lambda e: bool(seen.received("carol-post-003")), 10.0)
    await bob.unfollow(NodeRef(carol_s.jid))
    assert await list_items(other, bob_s.jid, PRIVATE) == []  # the other client's id too


async def test_a_follow_cached_but_not_on_the_account_is_written_and_one_removed_elsewhere_goes(
        xmpp_server, new_account, running) -> None:
    """A cache from before follows roamed (or a follow whose list write failed)."""
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    await publish_something(running, alice_s, "alice-post-01")
    store = running.store("bob")
    store.set_followed(NodeRef(alice_s.jid), True)
    other = await running.raw(bob_s)
    bob, seen = await running.service(bob_s, store)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.written == (NodeRef(alice_s.jid),) and synced.problems == ()
    ids = [i.get("id") for i in await list_items(other, bob_s.jid, PRIVATE)]
    assert ids == [movim_id(alice_s.jid, MICROBLOG_NODE, bob_s.jid)]
    assert await following.my_subscriptions(other, alice_s.jid, MICROBLOG_NODE) != []
    await bob.stop()
    await iq.send(other, bob_s.jid, "set", _retract(PRIVATE, ids[0]))  # unfollowed in Movim
    bob, seen = await running.service(bob_s, store)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.removed == (NodeRef(alice_s.jid),) and store.follows() == {}
    assert await following.my_subscriptions(other, alice_s.jid, MICROBLOG_NODE) == []


async def test_a_follow_made_in_another_client_arrives_while_running(
        xmpp_server, new_account, running) -> None:
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    await publish_something(running, alice_s, "alice-post-02")
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    elsewhere, _ = await running.service(bob_s)  # the same account in another client
    await elsewhere.follow(NodeRef(alice_s.jid))
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced) and e.added, 10.0)
    assert store.follows() == {NodeRef(alice_s.jid): False}


async def test_comments_and_likes_on_my_post_become_stored_notifications(
        xmpp_server, new_account, running, tmp_path) -> None:
    bob_s, carol_s, dave_s = (await new_account("bob"), await new_account("carol"),
                              await new_account("dave"))
    carol, _ = await running.service(carol_s)
    dave, _ = await running.service(dave_s)
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    comments = await bob.create_comments_node("bobs-garden-01")  # and subscribes bob to it
    post = new_post(service=bob.jid, author_name="Bob", markdown="My *garden*",
                    title="Garden", item_id="bobs-garden-01", comments=comments)
    await bob.publish_post(post, access="open")
    await bob.create_attachments_node(post)
    store.upsert_posts([post])
    await bob.stop()
    bob, seen = await running.service(bob_s, store)  # a connect watches the newest posts
    await seen.wait_for(lambda e: isinstance(e, AttachmentsReceived) and not e.live, 10.0)

    fetched = await carol.fetch_post(post.ref)
    await carol.publish_comment(comment(fetched, service=carol.jid, author_name="Carol",
                                        markdown="Lovely garden!"))
    assert await carol.like(fetched) == "attachment"  # XEP-0470
    await dave.publish_comment(like_comment(fetched, service=dave.jid,
                                            author_name="Dave"))  # Movim's heart
    wanted = {("comment", carol.jid), ("like", carol.jid), ("like", dave.jid)}
    await seen.wait_for(lambda e: wanted <= {(n.kind, n.actor) for n in store.notifications()},
                        10.0)
    assert store.unread_notification_count() == 3
    await bob.stop()
    reopened = running.store("bob")  # a restart: still listed, still unread
    assert {(n.kind, n.actor, n.read) for n in reopened.notifications()} == {
        (kind, who, False) for kind, who in wanted}
    assert {n.target for n in reopened.notifications()} == {post.ref}


async def test_a_new_follower_is_recorded_or_the_server_says_it_cannot_tell(
        xmpp_server, new_account, running) -> None:
    bob_s, dave_s = await new_account("bob"), await new_account("dave")
    dave, _ = await running.service(dave_s)
    await publish_something(running, bob_s, "bob-first-0001")
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    first = await seen.wait_for(lambda e: isinstance(e, FollowersListed))
    first_news = list(seen.news)
    await bob.stop()
    await dave.follow(NodeRef(bob_s.jid))
    bob, seen = await running.service(bob_s, store)
    listed = await seen.wait_for(lambda e: isinstance(e, FollowersListed))
    if xmpp_server.kind == "ejabberd":  # ejabberd#4483: a PEP owner cannot list subscribers
        assert not first.supported and not listed.supported
        assert [m for m in first_news if m.startswith("This server cannot list who follows")]
        assert not [m for m in seen.news if "cannot list" in m]  # said once per cache
    else:
        assert listed.followers == (dave_s.jid,)
        assert [f.jid for f in store.followers(NodeRef(bob_s.jid))] == [dave_s.jid]
        assert f"1 new follower since last time: {dave_s.jid}" in seen.news
        (note,) = store.notifications()
        assert note.headline() == f"{dave_s.jid} follows your blog"


async def test_a_contacts_public_follow_list_names_a_follower(xmpp_server, new_account,
                                                             running) -> None:
    """Contacts' public lists tell of followers the server cannot list: pushed live
    (+notify) on both servers, and read on connect where the server cannot list."""
    bob_s, dave_s = await new_account("bob"), await new_account("dave")
    dave, _ = await running.service(dave_s)
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    await bob.publish_post(a_post(bob.jid, "bob-post-00001", "Hi", "x"), access="open")
    await become_contacts(bob, dave)
    await bob.stop()
    bob, seen = await running.service(bob_s, store)  # its caps now reach a contact
    await seen.wait_for(lambda e: isinstance(e, FollowersListed))
    await dave.follow(NodeRef(bob_s.jid), public=True)
    got = await seen.wait_for(lambda e: isinstance(e, PublicFollowsReceived) and e.follows
                              and e.owner == dave_s.jid, 10.0)
    assert not got.complete  # a push of one item, not a reading of the whole list
    assert [n for _, n in got.follows] == [NodeRef(bob_s.jid)]
    assert [f.jid for f in store.followers(NodeRef(bob_s.jid), "public-list")] == [dave_s.jid]
    assert any("public follow list" in n.headline() for n in store.notifications())
    if xmpp_server.kind == "ejabberd":
        fresh = running.store("fresh")
        other, seen = await running.service(bob_s, fresh)
        await seen.wait_for(lambda e: isinstance(e, PublicFollowsReceived) and e.complete
                            and e.follows, 10.0)
        assert [f.jid for f in fresh.followers(NodeRef(bob_s.jid))] == [dave_s.jid]


async def test_an_unfollow_elsewhere_is_not_undone_by_the_cache_that_followed(
        xmpp_server, new_account, running) -> None:
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    await publish_something(running, alice_s, "alice-post-03")
    laptop, other = running.store("laptop"), running.store("other")
    bob, _ = await running.service(bob_s, laptop)
    await bob.follow(NodeRef(alice_s.jid))
    laptop.set_feed(NodeRef(alice_s.jid), followed=True)  # what the app does after a follow
    await bob.stop()
    elsewhere, seen = await running.service(bob_s, other)
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    await elsewhere.unfollow(NodeRef(alice_s.jid))
    other.set_feed(NodeRef(alice_s.jid), followed=False)
    await elsewhere.stop()
    bob, seen = await running.service(bob_s, laptop)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.removed == (NodeRef(alice_s.jid),) and synced.written == ()
    assert laptop.follows() == {}


async def test_follows_from_a_shared_cache_stay_only_where_the_account_subscribed(
        xmpp_server, new_account, running) -> None:
    """A cache split from one that several accounts shared: whose follows were whose is
    decided by the account's live subscriptions (on ejabberd, whose listing names no owner,
    by the subscription id a subscribe answers with)."""
    alice_s, carol_s, dave_s, bob_s = (await new_account("alice"), await new_account("carol"),
                                       await new_account("dave"), await new_account("bob"))
    for settings, item in ((alice_s, "alice-post-09"), (carol_s, "carol-post-09"),
                           (dave_s, "dave-post-009")):
        await publish_something(running, settings, item)
    other = await running.raw(bob_s)
    await following.subscribe(other, NodeRef(alice_s.jid))  # bob's follow, made long ago
    await following.subscribe(other, NodeRef(dave_s.jid))
    store = running.store("bob")
    for jid in (alice_s.jid, carol_s.jid):  # carol was followed by the other account
        store.set_followed(NodeRef(jid), True)
    store.db.execute("UPDATE feeds SET follow_unverified = 1")
    before = await following.my_subscriptions(other, carol_s.jid, MICROBLOG_NODE)
    bob, seen = await running.service(bob_s, store)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert store.follows() == {NodeRef(alice_s.jid): False}
    assert synced.removed == (NodeRef(carol_s.jid),) and synced.written == (
        NodeRef(alice_s.jid),)
    assert store.unverified_follows() == set()
    ids = [i.get("id") for i in await list_items(other, bob_s.jid, PRIVATE)]
    assert ids == [movim_id(alice_s.jid, MICROBLOG_NODE, bob_s.jid)]
    # the subscription made to find out was taken back (ejabberd lists others here too)
    assert await following.my_subscriptions(other, carol_s.jid, MICROBLOG_NODE) == before


async def test_my_own_blog_is_read_but_never_listed_as_a_follow(xmpp_server, new_account,
                                                                running) -> None:
    """The app subscribes to my own blog (posts made elsewhere are pushed), but Movim's
    lists hold only blogs I follow: a listed own blog would show me following myself, and
    a fresh cache would announce it as a follow made elsewhere."""
    bob_s = await new_account("bob")
    await publish_something(running, bob_s, "bob-own-post-1")
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert await bob.follow_own_blog()
    raw = await running.raw(bob_s)
    subscriptions = await following.my_subscriptions(raw, bob_s.jid)
    assert NodeRef(bob_s.jid) in {s.node for s in subscriptions}
    for list_node in (PRIVATE, PUBLIC):
        try:
            listed = await list_items(raw, bob_s.jid, list_node)
        except iq.ServiceError:
            listed = []  # no list at all: nothing listed either
        assert movim_id(bob_s.jid, MICROBLOG_NODE, bob_s.jid) not in {
            i.get("id") for i in listed}
    await bob.stop()
    fresh = running.store("fresh")
    _, seen = await running.service(bob_s, fresh)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert NodeRef(bob_s.jid) not in synced.added


async def test_follow_lists_lost_by_the_server_are_written_back_not_taken_for_unfollows(
        xmpp_server, new_account, running) -> None:
    """A server that lost the lists (a reset, a restore) is not another client unfollowing
    everything: the cache's follows stay and the account learns them again."""
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    await publish_something(running, alice_s, "alice-post-lost")
    store = running.store("bob")
    bob, seen = await running.service(bob_s, store)
    await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    await bob.follow(NodeRef(alice_s.jid))
    store.set_followed(NodeRef(alice_s.jid), True)
    await bob.stop()
    raw = await running.raw(bob_s)
    for list_node in (PRIVATE, PUBLIC):
        try:
            await nodes.delete(raw, bob_s.jid, list_node)
        except iq.ServiceError:
            pass  # the public list was never made: nothing was public
    bob, seen = await running.service(bob_s, store)
    synced = await seen.wait_for(lambda e: isinstance(e, FollowsSynced))
    assert synced.removed == () and synced.written == (NodeRef(alice_s.jid),)
    assert store.follows() == {NodeRef(alice_s.jid): False}
    items = await list_items(raw, bob_s.jid, PRIVATE)
    assert [i.get("id") for i in items] == [movim_id(alice_s.jid, MICROBLOG_NODE, bob_s.jid)]
