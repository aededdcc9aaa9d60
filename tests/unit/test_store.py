"""The cache: upserts, timelines, threads, likes, read state, drafts, outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.store_factory import comment_on, like_on, make_post
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.store import Scope, Store

ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "cache.sqlite3")
    s.set_feed(NodeRef(ALICE), own=True)
    s.set_feed(NodeRef(BOB), followed=True)
    yield s
    s.close()


def titles(entries) -> list[str]:
    return [e.title for e in entries]


def test_upsert_reports_new_changed_unchanged(store) -> None:
    post = make_post(ALICE, "post-000001")
    assert store.upsert_posts([post]).new == [post.key]
    assert store.upsert_posts([post]).unchanged == [post.key]
    edit = replace(post, title="Edited", text="new words", raw="")
    assert store.upsert_posts([edit]).changed == [post.key]
    assert store.get_post(post.ref).title == "Edited"
    assert store.timeline().count() == 1


def test_retraction_removes_everywhere_until_republished(store) -> None:
    post = make_post(BOB, "post-000002", tags=("garden",), text="tomatoes")
    store.upsert_posts([post])
    assert store.retract([post.ref]) == [post.ref]
    assert store.get_post(post.ref) is None
    for scope in (Scope(), Scope("unread"), Scope.blog(NodeRef(BOB)), Scope.tagged("garden"),
                  Scope.search("tomatoes")):
        assert store.timeline(scope).count() == 0, scope
    assert store.upsert_posts([replace(post, text="tomatoes again", raw="")]).changed
    assert store.timeline(Scope.search("again")).count() == 1


def test_home_shows_followed_and_own_blogs_without_comments(store) -> None:
    mine = make_post(ALICE, "mine-000001", minutes=3, title="mine")
    followed = make_post(BOB, "bobs-000001", minutes=2, title="bob's")
    stranger = make_post(CAROL, "carol-00001", minutes=4, title="carol's")
    store.upsert_posts([mine, followed, stranger, comment_on(followed, "c-00001", ALICE, "hi")])
    assert titles(store.timeline().newest(10)) == ["mine", "bob's"]
    assert titles(store.timeline(Scope.blog(NodeRef(CAROL))).newest(10)) == ["carol's"]
    store.set_feed(NodeRef(BOB), followed=False)
    assert titles(store.timeline().newest(10)) == ["mine"]


def test_keyset_pages_cover_everything_once_even_with_equal_times(store) -> None:
    posts = [make_post(BOB, f"same-{n:06d}", minutes=n // 7, title=f"p{n}") for n in range(120)]
    store.upsert_posts(posts)
    timeline = store.timeline()
    seen, page = [], timeline.newest(25)
    while page:
        seen += page
        page = timeline.older_than(page[-1].sort_key, 25)
    keys = [e.key for e in seen]
    assert len(keys) == len(set(keys)) == 120
    assert [e.sort_key for e in seen] == sorted((e.sort_key for e in seen), reverse=True)
    # walking back up gives the same rows
    back = timeline.newer_than(seen[60].sort_key, 10)
    assert [e.key for e in back] == keys[50:60]
    assert [e.key for e in timeline.oldest(5)] == keys[-5:]
    assert [e.key for e in timeline.at_offset(30, 5)] == keys[30:35]


def test_tags_search_and_unread(store) -> None:
    store.upsert_posts([
        make_post(BOB, "p-000001", minutes=1, title="Café crème", text="at the market",
                  tags=("Food",)),
        make_post(BOB, "p-000002", minutes=2, title="Bridges", text="the old bridge",
                  tags=("travel",)),
    ])
    assert titles(store.timeline(Scope.tagged("food")).newest(5)) == ["Café crème"]
    assert titles(store.timeline(Scope.search("cafe")).newest(5)) == ["Café crème"]
    assert titles(store.timeline(Scope.search("brid")).newest(5)) == ["Bridges"]
    assert titles(store.timeline(Scope.search("bob")).newest(5)) == ["Bridges", "Café crème"]
    assert store.timeline(Scope.search('"; DROP TABLE posts; --')).count() == 0
    timeline = store.timeline()
    first = timeline.next_unread()
    assert first.title == "Bridges"
    store.mark_read([make_post(BOB, "p-000002").ref])
    assert timeline.next_unread().title == "Café crème"
    assert store.unread_count() == 1
    assert timeline.mark_all_read() == 1
    assert timeline.next_unread() is None


def test_thread_and_likes(store) -> None:
    post = make_post(BOB, "root-000001", title="root")
    reply = make_post(CAROL, "reply-00001", minutes=5, title="a reply", reply_to=post.ref)
    store.upsert_posts([
        post, reply,
        comment_on(post, "c-0000001", ALICE, "first comment", minutes=1),
        comment_on(post, "c-0000002", CAROL, "second comment", minutes=2),
        like_on(post, "l-0000001", ALICE), like_on(post, "l-0000002", ALICE),  # once per person
        like_on(post, "l-0000003", CAROL, verified=False),  # not counted
    ])
    assert [p.title for p in store.thread(post)] == ["first comment", "second comment", "a reply"]
    assert store.likes(post) == 1
    store.set_attachment_likes(post.ref, [CAROL, ALICE])
    assert store.likers(post) == {ALICE, CAROL}
    (entry,) = store.timeline(Scope.blog(NodeRef(BOB))).newest(5)
    assert (entry.likes, entry.comments) == (2, 3)


def test_state_survives_reopening(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store(path)
    store.set_feed(NodeRef(BOB), followed=True, title="Bob's blog", access_model="open")
    store.set_cursor(NodeRef(BOB), "rsm|20|2026-11-22T12:38:23Z")
    post = make_post(BOB, "kept-000001")
    store.upsert_posts([post])
    store.mark_read([post.ref])
    store.save_draft("new", title="Half", body="written *text*", tags=["a", "b"], audience="open")
    box = store.enqueue("publish", NodeRef(ALICE), "queued-0001", "<entry/>")
    store.attempt_failed(box, "offline")
    store.close()

    store = Store(path)
    feed = store.feed(NodeRef(BOB))
    assert (feed.title, feed.access_model, feed.followed, feed.cursor) == (
        "Bob's blog", "open", True, "rsm|20|2026-11-22T12:38:23Z")
    assert store.unread_count() == 0
    draft = store.draft("new")
    assert (draft.title, draft.body, draft.tags, draft.audience) == (
        "Half", "written *text*", ("a", "b"), "open")
    (item,) = store.pending()
    assert (item.item_id, item.attempts, item.last_error) == ("queued-0001", 1, "offline")
    assert store.enqueue("publish", NodeRef(ALICE), "queued-0001", "<entry>2</entry>") == box
    store.sent(box)
    assert store.pending() == []
    store.delete_draft("new")
    assert store.drafts() == []
    assert store.followed_nodes() == [NodeRef(BOB, MICROBLOG_NODE)]
    store.close()


def test_a_stale_copy_does_not_bring_a_retracted_post_back(store) -> None:
    post = make_post(BOB, "gone-000001", minutes=10, title="deleted later")
    store.upsert_posts([post])
    store.retract([post.ref])
    # the same entry again (a fetch answered before the retraction), and an older version
    older = replace(post, title="first draft", raw="", updated=post.updated - timedelta(hours=1))
    result = store.upsert_posts([post, older])
    assert result.gone == [post.key, post.key] and not result.changed
    assert store.get_post(post.ref) is None and store.timeline().count() == 0
    # a republication: different content, at least as recent
    again = replace(post, title="back again", raw="", updated=post.updated + timedelta(hours=1))
    assert store.upsert_posts([again]).changed == [post.key]
    assert store.get_post(post.ref).title == "back again"


def test_edits_keep_read_state_and_reach_the_search_index(store) -> None:
    post = make_post(BOB, "edit-000001", title="Old title", text="about apples", tags=("fruit",))
    store.upsert_posts([post])
    store.mark_read([post.ref])
    edit = replace(post, title="New title", text="about pears", tags=("pear",), raw="",
                   updated=post.updated + timedelta(minutes=5))
    assert store.upsert_posts([edit]).changed == [post.key]
    assert store.unread_count() == 0
    assert store.timeline(Scope.search("apples")).count() == 0
    assert titles(store.timeline(Scope.search("pears")).newest(5)) == ["New title"]
    assert store.timeline(Scope.tagged("fruit")).count() == 0
    assert store.timeline(Scope.tagged("PEAR")).count() == 1


def test_a_batch_is_all_or_nothing(store) -> None:
    good = make_post(BOB, "batch-00001")

    def posts():
        yield good
        raise RuntimeError("the parser broke half way")

    with pytest.raises(RuntimeError):
        store.upsert_posts(posts())
    assert store.posts_count() == 0
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_posts([good])  # joins the outer transaction
        store.set_feed(NodeRef(CAROL), followed=True)
        raise RuntimeError("rolled back together")
    assert store.posts_count() == 0 and store.feed(NodeRef(CAROL)) is None


def test_search_covers_title_body_author_and_tags_whatever_the_plan(store, monkeypatch) -> None:
    from xmppsocial.store import timeline as timeline_module

    store.upsert_posts([
        make_post(BOB, "s-0000001", minutes=1, title="Weekend", text="walked by the river"),
        make_post(CAROL, "s-0000002", minutes=2, title="River trip", text="boats"),
        make_post(BOB, "s-0000003", minutes=3, title="Notes", text="nothing", tags=("rivers",)),
        make_post(BOB, "s-0000004", minutes=4, title="Lunch", text="bread"),
    ])
    expected = {"river": ["Notes", "River trip", "Weekend"], "carol": ["River trip"],
                "bread lunch": ["Lunch"], "river bread": []}
    for common in (1000, 0):  # sort the few matches, or walk the time index
        monkeypatch.setattr(timeline_module, "COMMON_WORDS", common)
        for words, found in expected.items():
            timeline = store.timeline(Scope.search(words))
            assert titles(timeline.newest(10)) == found, (common, words)
            assert timeline.count() == len(found)
        page = store.timeline(Scope.search("river"))
        first = page.newest(1)
        assert titles(page.older_than(first[0].sort_key, 5)) == ["River trip", "Weekend"]
    assert store.timeline(Scope.search("   ")).count() == 0


def test_thread_orders_by_publication_and_drops_what_was_retracted(store) -> None:
    post = make_post(BOB, "root-000002", title="root")
    late = comment_on(post, "c-0000010", CAROL, "late", minutes=30)
    early = comment_on(post, "c-0000011", ALICE, "early", minutes=2)
    gone = comment_on(post, "c-0000012", ALICE, "regretted", minutes=3)
    like = like_on(post, "l-0000010", CAROL)
    store.upsert_posts([post, late, early, gone, like])
    store.retract([gone.ref])
    assert [p.title for p in store.thread(post)] == ["early", "late"]
    assert store.likes(post) == 1
    store.retract([like.ref])
    assert store.likes(post) == 0
    assert store.parent_of_comments(post.comments) == post.ref
    assert store.parent_of_comments(NodeRef(BOB, "urn:xmpp:microblog:0:comments/none")) is None


def test_next_unread_walks_down_then_wraps_and_mark_all_read_keeps_to_its_scope(store) -> None:
    store.upsert_posts([make_post(BOB, f"u-{n:07d}", minutes=n, title=f"b{n}") for n in range(3)]
                       + [make_post(ALICE, "u-mine0001", minutes=10, title="mine")])
    home = store.timeline()
    newest = home.next_unread()
    assert newest.title == "mine"
    second = home.next_unread(newest.sort_key)
    assert second.title == "b2"
    store.mark_read([PostRef(*second.key)])
    assert home.next_unread(second.sort_key).title == "b1"
    oldest = home.newest(10)[-1]
    assert home.next_unread(oldest.sort_key).title == "mine"  # wraps to the newest unread
    assert store.unread_count(Scope.blog(NodeRef(BOB))) == 2
    assert store.timeline(Scope.blog(NodeRef(BOB))).mark_all_read() == 2
    assert store.unread_count(Scope.blog(NodeRef(BOB))) == 0 and store.unread_count() == 1
    assert [e.title for e in home.newest(10) if e.unread] == ["mine"]


def test_outbox_keeps_order_kinds_and_errors(store) -> None:
    first = store.enqueue("publish", NodeRef(ALICE), "item-a", "<entry>a</entry>")
    second = store.enqueue("retract", NodeRef(ALICE), "item-b")
    store.attempt_failed(first, "service-unavailable")
    store.attempt_failed(first, "timeout")
    (a, b) = store.pending()
    assert (a.id, a.kind, a.item_id, a.payload, a.attempts, a.last_error) == (
        first, "publish", "item-a", "<entry>a</entry>", 2, "timeout")
    assert (b.id, b.kind, b.attempts, b.last_error) == (second, "retract", 0, None)
    store.sent(first)
    assert [i.id for i in store.pending()] == [second]


def test_drafts_are_replaced_in_place_newest_first(store) -> None:
    store.save_draft("new", body="a")
    store.save_draft(f"reply:{BOB}:x", body="reply")
    for text in ("h", "he", "hello"):
        store.save_draft("new", title="T", body=text)
    assert [d.key for d in store.drafts()] == ["new", f"reply:{BOB}:x"]
    assert store.draft("new").body == "hello"
    assert store.draft("missing") is None
