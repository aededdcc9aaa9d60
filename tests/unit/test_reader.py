"""The reading model's rules, on a real store in memory, without Textual.

The cursor never moves by itself; new posts are counted above the view; a filled mark
leaves the cursor where the mark was; marks near the view ask for their pages.
"""

from __future__ import annotations

import pytest

from tests.unit.store_factory import make_post
from xmppsocial.applying import EventApplier
from xmppsocial.events import HistoryFetched, PostsReceived, PostsRetracted
from xmppsocial.model import NodeRef
from xmppsocial.reading.marks import marks_for
from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import MarkRow, PostRow
from xmppsocial.store import Scope, Store

ME, ALICE, BOB = "me@example.org", "alice@example.org", "bob@example.org"
NODE_ALICE = NodeRef(ALICE)


@pytest.fixture
def store():
    s = Store(":memory:")
    s.set_feed(NodeRef(ME), own=True)
    s.set_feed(NodeRef(ALICE), followed=True, title="Alice's notes")
    s.set_feed(NodeRef(BOB), followed=True)
    yield s
    s.close()


def apply(store: Store, *events) -> None:
    EventApplier(store, lambda: ME).apply(events)


def alice(n: int, **kw):
    return make_post(ALICE, f"a-{n:04d}", minutes=n, title=f"Alice {n}", **kw)


def bob(n: int):
    return make_post(BOB, f"b-{n:04d}", minutes=n + 0.5, title=f"Bob {n}")


def titles(reader: Reader) -> list[str]:
    return [r.title if isinstance(r, PostRow) else f"[{r.kind} {r.feed.service}]"
            for r in (reader.row(i) for i in range(len(reader)))]


def first_page(store: Store, node: NodeRef, posts, cursor: str | None = "c") -> None:
    apply(store, HistoryFetched(node, tuple(posts), "first", cursor))


def test_a_blog_read_from_the_top_shows_where_its_history_stops(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(10, 20)])
    first_page(store, NodeRef(BOB), [bob(n) for n in range(5, 25)], cursor=None)
    reader = Reader(store, Scope.blog(NodeRef(ALICE)))
    assert titles(reader)[-2:] == ["Alice 10", f"[more {ALICE}]"]
    assert reader.row(len(reader) - 1).label() == \
        "older posts of Alice's notes not loaded — enter to load"
    home = titles(Reader(store))
    # Alice's frontier sits where her history stops, among Bob's older posts.
    assert home.index(f"[more {ALICE}]") == home.index("Alice 10") + 1
    # Bob's blog ends with his oldest post; mine, with nothing cached, has no row here.
    assert home[-2:] == ["Bob 5", f"[end {BOB}]"]
    assert titles(Reader(store, Scope.blog(NodeRef(ME)))) == [f"[more {ME}]"]
    assert Reader(store).post_count() == 30


def test_an_empty_known_blog_ends_in_its_own_view_only(store) -> None:
    first_page(store, NodeRef(BOB), [], cursor=None)
    assert f"[end {BOB}]" not in titles(Reader(store))
    assert titles(Reader(store, Scope.blog(NodeRef(BOB)))) == [f"[end {BOB}]"]
    assert marks_for(store, Scope("unread")) == [] and marks_for(store, Scope.tagged("x")) == []


def test_a_push_never_moves_the_cursor_from_its_post_or_its_line(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(30)])
    reader = Reader(store, Scope.blog(NodeRef(ALICE)), height=5)
    assert reader.current.title == "Alice 29" and reader.new_posts == 0
    apply(store, PostsReceived((alice(100), alice(101)), live=True))
    reader.reload()
    assert reader.current.title == "Alice 29"          # the same post
    assert reader.cursor - reader.top == 0              # on the same line of the view
    assert reader.new_posts == 2
    reader.step(-1)                                     # k on the top row takes them in
    assert reader.current.title == "Alice 100" and reader.new_posts == 2
    reader.move(0)
    assert reader.current.title == "Alice 101" and reader.new_posts == 0


def test_reading_lower_down_keeps_place_and_line_when_posts_come_above(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(30)])
    reader = Reader(store, Scope.blog(NodeRef(ALICE)), height=5)
    reader.move(12)
    line = reader.cursor - reader.top
    apply(store, PostsReceived(tuple(alice(200 + n) for n in range(7)), live=True))
    reader.reload()
    assert reader.current.title == "Alice 17" and reader.cursor - reader.top == line


def test_a_retracted_post_leaves_the_cursor_on_the_row_that_took_its_place(store) -> None:
    posts = [alice(n) for n in range(10)]
    first_page(store, NodeRef(ALICE), posts)
    reader = Reader(store, Scope.blog(NodeRef(ALICE)))
    reader.move(3)
    assert reader.current.title == "Alice 6"
    apply(store, PostsRetracted((posts[6].ref,)))
    assert reader.deleted([posts[6].key]) == [3]
    assert reader.current.deleted and reader.current.title == ""  # in place, without text
    assert reader.current_post is None
    reader.reload()
    assert reader.current.title == "Alice 5" and reader.cursor == 3


def test_a_filled_frontier_leaves_the_cursor_on_the_newest_post_it_made_room_for(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(40, 60)])
    reader = Reader(store, Scope.blog(NodeRef(ALICE)), height=5)
    reader.move(len(reader) - 1)
    mark = reader.current
    assert isinstance(mark, MarkRow) and mark.kind == "more" and reader.wanted() == [mark]
    reader.set_loading(mark.key, True)
    assert reader.current.loading and reader.wanted() == []
    assert reader.current.label() == "loading older posts of Alice's notes…"
    apply(store, HistoryFetched(NodeRef(ALICE), tuple(alice(n) for n in range(20, 40)),
                                "older", "c2"))
    reader.set_loading(mark.key, False)
    assert reader.cursor == 20 and reader.current.title == "Alice 39"
    assert titles(reader)[-1] == f"[more {ALICE}]" and len(reader) == 41
    assert reader.wanted() == []  # a page away now: nothing asked until the reader gets close
    reader.page(3)
    assert [m.kind for m in reader.wanted()] == ["more"]


def test_a_failed_page_is_not_asked_again_until_enter(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(3)])
    reader = Reader(store, Scope.blog(NodeRef(ALICE)))
    mark = reader.wanted()[0]
    reader.set_loading(mark.key, True)
    reader.set_loading(mark.key, False, problem="timeout")
    assert reader.wanted() == []
    assert "could not be loaded: timeout" in reader.row(3).label()
    reader.retry(mark.key)
    assert reader.wanted()[0].key == mark.key


def test_a_hole_sits_below_the_catch_up_and_above_what_was_cached(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(10)])
    apply(store, HistoryFetched(NodeRef(ALICE), tuple(alice(n) for n in range(50, 60)),
                                "top", "c-hole", joined=False, missing=40))
    reader = Reader(store, Scope.blog(NodeRef(ALICE)))
    rows = titles(reader)
    assert rows[9:12] == ["Alice 50", f"[hole {ALICE}]", "Alice 9"]
    assert reader.row(10).label() == \
        "40 older posts of Alice's notes not loaded — enter to load"


def test_next_unread_and_page_keys_stay_inside_the_rows(store) -> None:
    first_page(store, NodeRef(ALICE), [alice(n) for n in range(20)])
    store.mark_read([alice(n).ref for n in range(12, 20)])
    reader = Reader(store, Scope.blog(NodeRef(ALICE)), height=4)
    assert reader.next_unread() and reader.current.title == "Alice 11"
    reader.page(100)
    assert reader.cursor == len(reader) - 1
    reader.page(-100)
    assert reader.cursor == 0 and reader.top == 0


def test_a_view_with_no_post_yet_starts_at_the_top_when_posts_come(store) -> None:
    reader = Reader(store, Scope.blog(NODE_ALICE))
    assert titles(reader) == [f"[more {ALICE}]"] and reader.current.kind == "more"
    first_page(store, NODE_ALICE, [alice(n) for n in range(5)], cursor=None)
    reader.reload()
    assert reader.cursor == 0 and reader.current.title == "Alice 4" and reader.new_posts == 0
