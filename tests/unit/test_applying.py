"""Service events applied to the store in one place, and what the result says changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.store_factory import comment_on, make_post
from xmppsocial.applying import EventApplier
from xmppsocial.events import (
    FollowsSynced,
    HistoryFetched,
    NodePurged,
    PostsReceived,
    PostsRetracted,
    SubscriptionChanged,
)
from xmppsocial.model import NodeRef
from xmppsocial.store import Scope, Store

ME, ALICE = "me@example.org", "alice@example.org"


@pytest.fixture
def store():
    s = Store(":memory:")
    s.set_feed(NodeRef(ME), own=True)
    s.set_feed(NodeRef(ALICE), followed=True)
    yield s
    s.close()


def test_pushes_and_fetches_say_what_is_new_changed_and_live(store) -> None:
    applier = EventApplier(store, lambda: ME)
    first = make_post(ALICE, "a-0001", title="One")
    changes = applier.apply([PostsReceived((first,), live=False),
                             PostsReceived((make_post(ALICE, "a-0002", minutes=1),), live=True)])
    assert changes.new == [first.key, ("alice@example.org", first.node, "a-0002")]
    assert changes.live == [("alice@example.org", first.node, "a-0002")]
    edited = replace(first, title="One, edited", raw="")
    changes = applier.apply([PostsReceived((edited,), live=True)])
    assert changes.changed and not changes.new and not changes.live
    assert changes.posts[first.key].title == "One, edited"


def test_a_retraction_leaves_no_text_in_the_store(store) -> None:
    post = make_post(ALICE, "secret-0001", title="My secret plan", text="The plan itself",
                     tags=("plans",))
    applier = EventApplier(store, lambda: ME)
    applier.apply([PostsReceived((post,))])
    changes = applier.apply([PostsRetracted((post.ref,))])
    assert changes.retracted == [post.key]
    row = store.db.execute("SELECT * FROM posts WHERE item_id = 'secret-0001'").fetchone()
    kept = " ".join(str(row[c]) for c in row.keys())
    assert "secret plan" not in kept and "plan itself" not in kept and "plans" not in kept
    assert store.timeline(Scope.search("secret")).count() == 0
    assert store.timeline(Scope.tagged("plans")).count() == 0
    # a copy fetched before the retraction does not bring it back
    assert not applier.apply([PostsReceived((post,), live=False)]).new


def test_a_purge_leaves_no_text_either(store) -> None:
    applier = EventApplier(store, lambda: ME)
    applier.apply([PostsReceived((make_post(ALICE, "p-0001", title="Purged words"),))])
    changes = applier.apply([NodePurged(NodeRef(ALICE))])
    assert changes.purged == [NodeRef(ALICE)] and changes.rows_changed
    assert "Purged" not in str(store.db.execute("SELECT title, raw FROM posts").fetchall())


def test_history_pages_set_the_frontier_open_move_and_close_holes(store) -> None:
    applier = EventApplier(store, lambda: ME)
    node = NodeRef(ALICE)
    page = tuple(make_post(ALICE, f"a-{n:04d}", minutes=n) for n in range(10, 20))
    applier.apply([HistoryFetched(node, page, "first", "cursor-1")])
    history = store.history.feed(node)
    assert history.cursor == "cursor-1" and not history.ended
    assert history.frontier[0] == page[0].published.timestamp()
    newer = tuple(make_post(ALICE, f"a-{n:04d}", minutes=n) for n in range(50, 55))
    changes = applier.apply([HistoryFetched(node, newer, "top", "cursor-h", joined=False)])
    assert changes.history == [node]
    (hole,) = store.history.feed(node).holes
    assert (hole.above_item, hole.cursor) == ("a-0050", "cursor-h")
    applier.apply([HistoryFetched(node, (make_post(ALICE, "a-0049", minutes=49),), "hole",
                                  "cursor-h2", hole=hole.id)])
    (moved,) = store.history.feed(node).holes
    assert (moved.above_item, moved.cursor) == ("a-0049", "cursor-h2")
    applier.apply([HistoryFetched(node, (make_post(ALICE, "a-0030", minutes=30),), "hole",
                                  "cursor-h3", joined=True, hole=hole.id)])
    assert store.history.feed(node).holes == ()
    applier.apply([HistoryFetched(node, (make_post(ALICE, "a-0001", minutes=1),), "older",
                                  None)])
    history = store.history.feed(node)
    assert history.ended and history.cursor is None
    # a catch-up that reached what was cached leaves no hole
    applier.apply([HistoryFetched(node, (make_post(ALICE, "a-0060", minutes=60),), "top",
                                  "c", joined=True)])
    assert store.history.feed(node).holes == ()


def test_comments_on_my_posts_and_new_followers_are_activity(store) -> None:
    applier = EventApplier(store, lambda: ME)
    mine = make_post(ME, "m-0001")
    applier.apply([PostsReceived((mine,))])
    changes = applier.apply([
        PostsReceived((comment_on(mine, "c-0001", ALICE, "Nice!"),), live=True),
        SubscriptionChanged(NodeRef(ME), ALICE, "subscribed"),
        SubscriptionChanged(NodeRef(ME), ME, "subscribed"),  # my own follow of my blog
    ])
    assert [(a.title, a.message) for a in changes.activity] == [
        ("Activity", "Alice (alice@example.org) commented on your post “A title”: Nice!"),
        ("New follower", "alice@example.org follows your blog")]
    # stored: they are listed after a restart, newest first, unread
    assert sorted(n.kind for n in store.notifications(unread_only=True)) == ["comment",
                                                                         "follower"]


def test_activity_fetched_from_before_watching_is_kept_read_and_not_said(store) -> None:
    applier = EventApplier(store, lambda: ME)
    mine = make_post(ME, "m-0001")
    applier.apply([PostsReceived((mine,))])
    changes = applier.apply([PostsReceived((comment_on(mine, "c-0001", ALICE, "Old"),),
                                           live=False)])
    assert changes.activity == []
    (note,) = store.notifications()
    assert note.read and note.kind == "comment"


def test_follows_merged_from_the_account_change_the_rows_and_are_said(store) -> None:
    applier = EventApplier(store, lambda: ME)
    carol = NodeRef("carol@example.org")
    changes = applier.apply([FollowsSynced(added=(carol,))])
    assert changes.rows_changed
    assert [a.message for a in changes.activity] == [
        "Now following 1 blog followed elsewhere: carol@example.org"]
    assert not applier.apply([FollowsSynced()]).rows_changed
