"""The rows of one scope, newest first: the store's posts with the marks merged in.

Rows are reached by keyset (newest, older_than, newer_than, oldest) as the
store pages them, so the cost of a page does not depend on how many posts
there are. Marks are few (one or two per blog in view) and held in memory;
each keyset page of posts takes in the marks that fall within its range. A
far jump by position (dragging the scrollbar) reads one window of posts at
an offset and places the marks in it by counting, never one query per mark.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Protocol

from xmppsocial.reading.rows import MarkRow, PostRow, Row, SortKey, post_row
from xmppsocial.store import Scope, Store


class PostSource(Protocol):
    """Keyset-paged post rows, newest first (the store's Timeline, as rows)."""

    def count(self) -> int: ...

    def newest(self, limit: int) -> list[PostRow]: ...

    def oldest(self, limit: int) -> list[PostRow]: ...

    def older_than(self, sort_key: SortKey, limit: int) -> list[PostRow]: ...

    def newer_than(self, sort_key: SortKey, limit: int) -> list[PostRow]: ...

    def at_offset(self, offset: int, limit: int) -> list[PostRow]: ...

    def position(self, sort_key: SortKey) -> int: ...

    def lookup(self, key: tuple[str, str, str]) -> PostRow | None: ...


class StorePosts:
    """A PostSource over one scope of the store."""

    def __init__(self, store: Store, scope: Scope) -> None:
        self.scope = scope
        self.timeline = store.timeline(scope)

    def count(self) -> int:
        return self.timeline.count()

    def newest(self, limit: int) -> list[PostRow]:
        return [post_row(e) for e in self.timeline.newest(limit)]

    def oldest(self, limit: int) -> list[PostRow]:
        return [post_row(e) for e in self.timeline.oldest(limit)]

    def older_than(self, sort_key: SortKey, limit: int) -> list[PostRow]:
        return [post_row(e) for e in self.timeline.older_than(sort_key, limit)]

    def newer_than(self, sort_key: SortKey, limit: int) -> list[PostRow]:
        return [post_row(e) for e in self.timeline.newer_than(sort_key, limit)]

    def at_offset(self, offset: int, limit: int) -> list[PostRow]:
        return [post_row(e) for e in self.timeline.at_offset(offset, limit)]

    def position(self, sort_key: SortKey) -> int:
        return self.timeline.position(sort_key)

    def lookup(self, key: tuple[str, str, str]) -> PostRow | None:
        entry = self.timeline.entry(key)
        return post_row(entry) if entry is not None else None


def _merged(posts: Sequence[Row], marks: Sequence[Row]) -> list[Row]:
    return list(heapq.merge(posts, marks, key=lambda r: r.sort_key, reverse=True))


class MergedSource:
    """Posts and marks as one newest-first sequence with the same paging contract."""

    def __init__(self, posts: PostSource, marks: Sequence[MarkRow]) -> None:
        self.posts = posts
        self.marks = sorted(marks, key=lambda m: m.sort_key, reverse=True)
        # Ascending keys for bisect: the negated sort keys of the marks, newest first.
        self._keys = [(-m.sort_key[0], -m.sort_key[1]) for m in self.marks]

    def marks_above(self, key: SortKey) -> int:
        """How many marks are newer than ``key``."""
        return bisect_left(self._keys, (-key[0], -key[1]))

    def _marks_from(self, key: SortKey) -> int:
        """Index of the first mark older than ``key``."""
        return bisect_right(self._keys, (-key[0], -key[1]))

    def count(self) -> int:
        return self.posts.count() + len(self.marks)

    def post_count(self) -> int:
        return self.posts.count()

    def newest(self, limit: int) -> list[Row]:
        if limit <= 0:
            return []
        posts = self.posts.newest(limit)
        end = self.marks_above(posts[-1].sort_key) if len(posts) == limit else len(self.marks)
        return _merged(posts, self.marks[:end])[:limit]

    def older_than(self, key: SortKey, limit: int) -> list[Row]:
        if limit <= 0:
            return []
        posts = self.posts.older_than(key, limit)
        end = self.marks_above(posts[-1].sort_key) if len(posts) == limit else len(self.marks)
        return _merged(posts, self.marks[self._marks_from(key):end])[:limit]

    def newer_than(self, key: SortKey, limit: int) -> list[Row]:
        if limit <= 0:
            return []
        posts = self.posts.newer_than(key, limit)
        start = self._marks_from(posts[0].sort_key) if len(posts) == limit else 0
        return _merged(posts, self.marks[start:self.marks_above(key)])[-limit:]

    def oldest(self, limit: int) -> list[Row]:
        if limit <= 0:
            return []
        posts = self.posts.oldest(limit)
        start = self._marks_from(posts[0].sort_key) if len(posts) == limit else 0
        return _merged(posts, self.marks[start:])[-limit:]

    def at_offset(self, offset: int, limit: int) -> list[Row]:
        """``limit`` rows from position ``offset``: posts read once from where the marks above
        could have pushed them, the marks placed among them by key."""
        start = max(0, offset - len(self.marks))
        posts = self.posts.at_offset(start, offset - start + limit)
        end = self.marks_above(posts[-1].sort_key) \
            if len(posts) == offset - start + limit else len(self.marks)
        lower = self._marks_from(posts[0].sort_key) if posts and start > 0 else 0
        rows = _merged(posts, self.marks[lower:end])
        # The first row read is at position start + (marks above it), not necessarily start.
        first = start + (self.marks_above(rows[0].sort_key) if rows else 0)
        return rows[offset - first:offset - first + limit]

    def position(self, key: SortKey) -> int:
        """How many rows are newer than ``key`` (the index of the row with that key)."""
        return self.posts.position(key) + self.marks_above(key)

    def posts_newer(self, key: SortKey) -> int:
        return self.posts.position(key)

    def lookup(self, key: tuple[str, ...]) -> Row | None:
        """The current row with this key, wherever it is now."""
        if key and key[0] == "mark":
            return next((m for m in self.marks if m.key == key), None)
        return self.posts.lookup(key)  # type: ignore[arg-type]
