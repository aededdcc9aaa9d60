"""Posts and marks merged into one sequence: every row once, in order, by any way of paging."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ui.fake_timeline import ListPosts
from xmppsocial.model import NodeRef
from xmppsocial.reading.rows import MarkRow, PostRow
from xmppsocial.reading.source import MergedSource
from xmppsocial.reading.window import PAGE, Window

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def posts(times: list[int]) -> list[PostRow]:
    rows = [PostRow(("a@x", "n", f"p{n}"), (float(t), float(n + 1)), "A", f"t{n}", "", WHEN)
            for n, t in enumerate(times)]
    return sorted(rows, key=lambda r: r.sort_key, reverse=True)


def marks(places: list[tuple[int, int]]) -> list[MarkRow]:
    return [MarkRow("hole", NodeRef(f"b{n}@x"), (float(t), i - 0.5), "B", hole=n)
            for n, (t, i) in enumerate(places)]


def expected(source: MergedSource) -> list[object]:
    return sorted([*source.posts.rows, *source.marks], key=lambda r: r.sort_key, reverse=True)


@settings(max_examples=60, deadline=None)
@given(times=st.lists(st.integers(0, 6), max_size=40),
       places=st.lists(st.tuples(st.integers(-1, 7), st.integers(0, 42)), max_size=8,
                       unique=True),  # marks_for keeps mark keys apart
       page=st.integers(1, 6))
def test_keyset_pages_cover_every_row_once_in_order(times, places, page) -> None:
    source = MergedSource(ListPosts(posts(times)), marks(places))
    want = expected(source)
    down, batch = [], source.newest(page)
    while batch:
        down += batch
        batch = source.older_than(batch[-1].sort_key, page)
    assert down == want and source.count() == len(want)
    up, batch = [], source.oldest(page)
    while batch:
        up = batch + up
        batch = source.newer_than(batch[0].sort_key, page)
    assert up == want
    for index, row in enumerate(want):
        assert source.position(row.sort_key) == index
        assert source.at_offset(index, page) == want[index:index + page]


def test_a_window_reaches_far_rows_by_offset_and_neighbours_by_keyset() -> None:
    rows = posts(list(range(1000)))
    store_side = ListPosts(rows)
    source = MergedSource(store_side, marks([(500, 501), (200, 201), (-1, 0)]))
    window = Window(source)
    want = expected(source)
    assert len(window) == 1003
    assert window.row(PAGE * 10 + 3) == want[PAGE * 10 + 3]
    assert store_side.calls[-1] == "at_offset"
    assert window.row(PAGE * 11) == want[PAGE * 11]
    assert store_side.calls[-1] == "older_than"
    assert window.row(PAGE * 9 + 49) == want[PAGE * 9 + 49]
    assert store_side.calls[-1] == "newer_than"
    assert window.row(1002).kind == "hole"  # the mark below every post is the last row


@settings(max_examples=40, deadline=None)
@given(times=st.lists(st.integers(0, 6), min_size=1, max_size=160),
       places=st.lists(st.tuples(st.integers(-1, 7), st.integers(0, 162)), max_size=6,
                       unique=True), pick=st.integers(0, 10_000))
def test_a_window_seeded_at_a_row_holds_the_same_rows_as_one_read_from_the_top(
        times, places, pick) -> None:
    source = MergedSource(ListPosts(posts(times)), marks(places))
    want = expected(source)
    index = pick % len(want)
    window = Window(source)
    window.seed(index, want[index])
    assert source.older_than(want[index].sort_key, 0) == [] == source.newer_than(
        want[index].sort_key, 0)
    assert [row for _, row in window.loaded()] == \
        want[index // PAGE * PAGE:index // PAGE * PAGE + PAGE]
    assert "at_offset" not in source.posts.calls
