"""Post rows held in a list behind the store's paging contract, for view and model tests."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta

from xmppsocial.reading.rows import PostRow

EPOCH = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_rows(n: int) -> list[PostRow]:
    """n rows, newest first, one minute apart."""
    rows = []
    for i in range(n):
        when = EPOCH - timedelta(minutes=i)
        rows.append(PostRow(key=("author@example.org", "urn:xmpp:microblog:0", f"item-{i:06d}"),
                            sort_key=(when.timestamp(), float(n - i)), author=f"Author {i % 7}",
                            title=f"Post number {i}", preview=f"Body text of post {i}",
                            when=when, unread=i % 3 == 0, likes=i % 4))
    return rows


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
