"""Notifications: what becomes one (derive), how the cache keeps them, followers and lists."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.store_factory import T0, comment_on, like_on, make_post
from xmppsocial.events import (
    AttachmentsReceived,
    FollowersListed,
    FollowsSynced,
    PublicFollowsReceived,
    SubscriptionChanged,
)
from xmppsocial.graph_apply import apply_graph_event, apply_posts
from xmppsocial.model import Link, NodeRef, PostRef
from xmppsocial.notifications import COMMENT, FOLLOWER, LIKE, REPEAT, REPLY, Applied, derive
from xmppsocial.store import Store
from xmppsocial.uris import post_uri

BOB, CAROL, DAVE = "bob@example.org", "carol@example.org", "dave@example.org"
NOW = T0.timestamp() + 3600


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "bob.sqlite3")
    s.set_graph_mark("activity-since", str(T0.timestamp()))
    yield s
    s.close()


@pytest.fixture
def mine(store):
    post = make_post(BOB, "bob-post-001", title="Garden", minutes=10)
    store.upsert_posts([post])
    return post


def take(store, posts):
    return apply_posts(store, BOB, posts, store.upsert_posts(posts), now=NOW)


def test_a_comment_and_a_heart_on_my_post(store, mine) -> None:
    notes = take(store, [comment_on(mine, "c-carol-001", CAROL, "Lovely!", minutes=20),
                         like_on(mine, "c-dave-0001", DAVE)])
    assert {(n.kind, n.actor, n.target) for n in notes} == {
        (COMMENT, CAROL, mine.ref), (LIKE, DAVE, mine.ref)}
    comment = next(n for n in notes if n.kind == COMMENT)
    assert comment.headline() == ("Carol (carol@example.org) commented on your post “Garden”: "
                                  "Lovely!")
    assert comment.jump_to == mine.ref
    assert store.unread_notification_count() == 2


def test_the_same_fact_twice_is_stored_once_and_survives_reopening(store, mine, tmp_path) -> None:
    remark = comment_on(mine, "c-carol-001", CAROL, "Lovely!", minutes=20)
    assert len(take(store, [remark])) == 1
    assert take(store, [remark]) == []  # the fetch after a push brings nothing new
    store.close()
    again = Store(tmp_path / "bob.sqlite3")
    try:
        (note,) = again.notifications()
        assert (note.kind, note.read, note.text) == (COMMENT, False, "Lovely!")
        again.mark_notifications_read([note.id])
        assert again.unread_notification_count() == 0
        assert again.notifications(unread_only=True) == []
    finally:
        again.close()


def test_my_own_activity_and_others_posts_are_not_news(store, mine) -> None:
    others = make_post(CAROL, "carol-post-01", minutes=5)
    notes = take(store, [comment_on(mine, "c-bob-00001", BOB, "thanks all", minutes=30),
                         others, comment_on(others, "c-dave-0001", DAVE, "nice", minutes=31)])
    assert notes == []


def test_replies_and_repeats_of_my_post_from_blogs_i_read(store, mine) -> None:
    reply = make_post(CAROL, "carol-reply-1", title="Re: Garden", reply_to=mine.ref, minutes=40)
    boost = replace(make_post(DAVE, "dave-repeat-1", title="Garden", minutes=41, author=BOB),
                    publisher=DAVE, via=(Link(rel="via", href=post_uri(mine.ref)),))
    notes = take(store, [reply, boost])
    assert {(n.kind, n.actor) for n in notes} == {(REPLY, CAROL), (REPEAT, DAVE)}
    assert next(n for n in notes if n.kind == REPEAT).headline() == (
        "dave@example.org repeated your post “Garden”")


def test_what_predates_watching_is_kept_as_read_history(store, mine) -> None:
    old = comment_on(mine, "c-old-00001", CAROL, "from long ago", minutes=-600)
    (note,) = take(store, [old])
    assert note.read and store.unread_notification_count() == 0


def test_an_unverified_author_gives_no_one_elses_name(store, mine) -> None:
    forged = comment_on(mine, "c-forged-01", CAROL, "I am carol", minutes=20, verified=False)
    forged = replace(forged, author=replace(forged.author, jid=DAVE), publisher=DAVE)
    (note,) = take(store, [forged])
    assert note.actor == DAVE  # the publisher, not the claim


def test_hostile_words_are_shown_safely() -> None:
    from xmppsocial.notifications import Notification

    note = Notification("k", COMMENT, CAROL, "\x1b[31mCarol\u202e", "line\x07one\nline two",
                        target_title="T\x1b]0;x\x07")
    line = note.headline()
    assert "\x1b" not in line and "\u202e" not in line and "\x07" not in line
    assert "\n" not in line and "line two" in line


def test_xep0470_likes_live_and_fetched(store, mine) -> None:
    first_fetch = apply_graph_event(store, BOB, AttachmentsReceived(mine.ref, (CAROL,),
                                                                   live=False), now=NOW)
    assert [n.read for n in first_fetch.notifications] == [True]  # watching starts: history
    pushed = apply_graph_event(store, BOB, AttachmentsReceived(mine.ref, (DAVE, BOB)), now=NOW)
    assert [(n.kind, n.actor, n.read) for n in pushed.notifications] == [(LIKE, DAVE, False)]
    # a heart comment from someone whose attachment like is known: still one like
    assert take(store, [like_on(mine, "c-dave-heart", DAVE)]) == []
    later_fetch = apply_graph_event(store, BOB, AttachmentsReceived(
        mine.ref, (CAROL, DAVE, "erin@example.org"), live=False), now=NOW)
    assert [(n.actor, n.read) for n in later_fetch.notifications] == [("erin@example.org",
                                                                       False)]
    assert apply_graph_event(store, BOB, AttachmentsReceived(
        PostRef(CAROL, mine.node, "x-post-0001"), (DAVE,)), now=NOW).notifications == []


def test_followers_listed_first_time_then_new_since_last_time(store) -> None:
    blog = NodeRef(BOB)
    first = apply_graph_event(store, BOB, FollowersListed(blog, (CAROL,)), now=NOW)
    assert first.notifications == [] and first.messages == []  # where counting starts
    second = apply_graph_event(store, BOB, FollowersListed(blog, (CAROL, DAVE)), now=NOW + 60)
    assert [(n.kind, n.actor) for n in second.notifications] == [(FOLLOWER, DAVE)]
    assert second.messages == [f"1 new follower since last time: {DAVE}"]
    assert second.notifications[0].headline() == f"{DAVE} follows your blog"
    apply_graph_event(store, BOB, FollowersListed(blog, (DAVE,)), now=NOW + 120)
    assert [f.jid for f in store.followers(blog)] == [DAVE]  # carol left
    back = apply_graph_event(store, BOB, FollowersListed(blog, (CAROL, DAVE)), now=NOW + 180)
    assert back.messages == [f"1 new follower since last time: {CAROL}"]
    assert [n.actor for n in back.notifications] == [CAROL]  # she came back: news this time
    apply_graph_event(store, BOB, FollowersListed(blog, (CAROL,)), now=NOW + 240)
    again = apply_graph_event(store, BOB, FollowersListed(blog, (CAROL, DAVE)), now=NOW + 300)
    assert again.messages and again.notifications == []  # one notification per follower


def test_a_server_that_cannot_list_followers_is_said_once(store) -> None:
    event = FollowersListed(NodeRef(BOB), (), False, "this server cannot list who follows "
                            "your blog (ejabberd's PEP lacks it: ejabberd#4483)")
    said = apply_graph_event(store, BOB, event, now=NOW).messages
    assert len(said) == 1 and said[0].startswith("This server cannot list who follows")
    assert apply_graph_event(store, BOB, event, now=NOW).messages == []


def test_contacts_public_follow_lists_name_followers_labelled_as_such(store) -> None:
    blog = NodeRef(BOB)
    first = apply_graph_event(store, BOB, PublicFollowsReceived(
        DAVE, (("i1", blog), ("i2", NodeRef(CAROL))), complete=True), now=NOW)
    assert [(n.actor, n.read) for n in first.notifications] == [(DAVE, True)]  # first reading
    assert [(f.jid, f.source) for f in store.followers(blog)] == [(DAVE, "public-list")]
    assert "public follow list" in first.notifications[0].headline()
    assert store.public_follows_of(DAVE) == [NodeRef(BOB), NodeRef(CAROL)]
    pushed = apply_graph_event(store, BOB, PublicFollowsReceived(CAROL, (("j1", blog),)),
                               now=NOW)
    assert [(n.actor, n.read) for n in pushed.notifications] == [(CAROL, False)]
    apply_graph_event(store, BOB, PublicFollowsReceived(DAVE, retracted=("i1",)), now=NOW)
    assert [f.jid for f in store.followers(blog)] == [CAROL]


def test_a_follower_announced_by_the_server(store) -> None:
    news = apply_graph_event(store, BOB, SubscriptionChanged(NodeRef(BOB), f"{DAVE}/phone",
                                                             "subscribed"), now=NOW)
    assert news.messages == [f"{DAVE} follows your blog"]
    assert apply_graph_event(store, BOB, SubscriptionChanged(NodeRef(CAROL), DAVE,
                                                             "subscribed")).messages == []
    apply_graph_event(store, BOB, SubscriptionChanged(NodeRef(BOB), DAVE, "none"), now=NOW)
    assert store.followers(NodeRef(BOB)) == []


def test_follows_merged_from_elsewhere_are_told() -> None:
    from xmppsocial.graph_apply import follows_messages

    said = follows_messages(FollowsSynced(added=(NodeRef(CAROL), NodeRef("pubsub.x", "Movim")),
                                          removed=(NodeRef(DAVE),), problems=("x: refused",)))
    assert said == ["Now following 2 blogs followed elsewhere: carol@example.org, pubsub.x Movim",
                    "Stopped following 1 blog unfollowed elsewhere: dave@example.org",
                    "x: refused"]


def test_derive_is_pure_and_keyed() -> None:
    class View:
        def parent_of_comments(self, node):
            return PostRef(BOB, "urn:xmpp:microblog:0", "p-000001")

        def get_post(self, ref):
            return None

    parent = make_post(BOB, "p-000001")
    remark = comment_on(parent, "c-000001", CAROL, "hi", minutes=5)
    applied = Applied(posts=(remark,), new=frozenset({remark.key}))
    assert derive(View(), BOB, applied, now=1.0) == derive(View(), BOB, applied, now=1.0)
    assert derive(View(), BOB, Applied(posts=(remark,)), now=1.0) == []  # not new: not news
