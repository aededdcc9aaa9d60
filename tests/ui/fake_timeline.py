"""An in-memory TimelineSource: the same paging contract as the store, over a list."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta

from xmppsocial.ui.timeline_rows import TimelineRow

EPOCH = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_rows(n: int) -> list[TimelineRow]:
    """n rows, newest first, one minute apart."""
    rows = []
    for i in range(n):
        when = EPOCH - timedelta(minutes=i)
        rows.append(TimelineRow(key=("author@example.org", "urn:xmpp:microblog:0", f"item-{i:06d}"),
                                sort_key=(-when.timestamp(), i), author=f"Author {i % 7}",
                                title=f"Post number {i}", preview=f"Body text of post {i}",
                                when=when, unread=i % 3 == 0, likes=i % 4))
    return rows


class ListSource:
    """Rows kept newest first; sort_key grows towards older rows."""

    def __init__(self, rows: list[TimelineRow]) -> None:
        self.items = rows
        self.keys = [r.sort_key for r in rows]
        self.calls: list[str] = []

    def count(self) -> int:
        self.calls.append("count")
        return len(self.items)

    def newest(self, limit: int) -> list[TimelineRow]:
        self.calls.append("newest")
        return self.items[:limit]

    def oldest(self, limit: int) -> list[TimelineRow]:
        self.calls.append("oldest")
        return self.items[len(self.items) - limit:]

    def older_than(self, sort_key, limit: int) -> list[TimelineRow]:
        self.calls.append("older_than")
        start = bisect.bisect_right(self.keys, sort_key)
        return self.items[start:start + limit]

    def newer_than(self, sort_key, limit: int) -> list[TimelineRow]:
        self.calls.append("newer_than")
        end = bisect.bisect_left(self.keys, sort_key)
        return self.items[max(0, end - limit):end]

    def at_offset(self, offset: int, limit: int) -> list[TimelineRow]:
        self.calls.append("at_offset")
        return self.items[offset:offset + limit]
