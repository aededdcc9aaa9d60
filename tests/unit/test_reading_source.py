"""Posts and marks merged into one sequence: every row once, in order, by any way of paging."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from xmppsocial.model import NodeRef
from xmppsocial.reading.rows import MarkRow, PostRow
from xmppsocial.reading.source import MergedSource
from xmppsocial.reading.window import PAGE, Window

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


class ListPosts:
    """A PostSource over a list (newest first), recording how it was asked."""

    def __init__(self, rows: list[PostRow]) -> None:
        self.rows = rows
        self.keys = [(-r.sort_key[0], -r.sort_key[1]) for r in rows]
        self.calls: list[str] = []

    def count(self) -> int:
        return len(self.rows)

    def newest(self, limit):
        self.calls.append("newest")
        return self.rows[:limit]

    def oldest(self, limit):
        self.calls.append("oldest")
        return self.rows[max(0, len(self.rows) - limit):]

    def _after(self, key) -> int:
        return bisect.bisect_right(self.keys, (-key[0], -key[1]))

    def _before(self, key) -> int:
        return bisect.bisect_left(self.keys, (-key[0], -key[1]))

    def older_than(self, key, limit):
        self.calls.append("older_than")
        start = self._after(key)
        return self.rows[start:start + limit]

    def newer_than(self, key, limit):
        self.calls.append("newer_than")
        end = self._before(key)
        return self.rows[max(0, end - limit):end]

    def at_offset(self, offset, limit):
        self.calls.append("at_offset")
        return self.rows[offset:offset + limit]

    def position(self, key) -> int:
        return self._before(key)

    def lookup(self, key):
        return next((r for r in self.rows if r.key == key), None)


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
