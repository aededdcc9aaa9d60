"""One timeline as a person reads it: scope, rows, cursor, what is in view, what is new.

The rules, each with its unit tests (tests/unit/test_reader.py):

- The cursor never moves by itself. When rows come or go (pushes, a page of
  older posts, a retraction), the rows are read again and the cursor stays
  on the row it was on, at the same line of the view; a row that is gone
  leaves the cursor on the row that took its place.
- A mark that gets filled (its older posts loaded) leaves the cursor where
  the mark was: on the newest of the posts it made room for.
- A view with no post yet (a first start) shows its top when posts come.
- Posts newer than the newest one the reader has had in view are "new": the
  view does not move to them, the count says how many there are above.
- A "more" or "hole" mark within a page below what is in view asks for its
  older posts, once, unless it already is loading or failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from xmppsocial.model import PostRef
from xmppsocial.reading.marks import marks_for
from xmppsocial.reading.rows import MarkRow, PostRow, Row, RowKey, SortKey
from xmppsocial.reading.source import MergedSource, PostSource, StorePosts
from xmppsocial.reading.window import Window
from xmppsocial.store import Scope, Store


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the reader is: the cursor's row and the line of the view it is drawn on."""

    key: RowKey
    sort_key: SortKey
    line: int


class Reader:
    """A scope of the store read through a window of rows, with a cursor and a view."""

    def __init__(self, store: Store, scope: Scope | None = None, *, height: int = 10,
                 loading: set[RowKey] | None = None,
                 problems: dict[RowKey, str] | None = None,
                 posts: Callable[[Scope], PostSource] | None = None) -> None:
        """``loading`` and ``problems`` (by mark key) may be shared by several readers: a
        page being fetched shows as loading in every view of its blog. ``posts`` gives the
        posts of a scope (default: the store's)."""
        self.store = store
        self._posts = posts or (lambda scope: StorePosts(store, scope))
        self.scope = scope or Scope()
        self.cursor = 0
        self.top = 0
        self.height = max(1, height)
        self.loading: set[RowKey] = loading if loading is not None else set()
        self.problems: dict[RowKey, str] = problems if problems is not None else {}
        self.offline = True
        self.window = self._window()
        self._seen_top: SortKey | None = None
        self.new_posts = 0
        self._saw_top()

    # ------------------------------------------------------------------ rows
    def _window(self) -> Window:
        marks = marks_for(self.store, self.scope, loading=self.loading, problems=self.problems)
        return Window(MergedSource(self._posts(self.scope), marks))

    @property
    def source(self) -> MergedSource:
        return self.window.source  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self.window)

    def row(self, index: int) -> Row | None:
        return self.window.row(index)

    @property
    def current(self) -> Row | None:
        return self.window.row(self.cursor)

    @property
    def current_post(self) -> PostRef | None:
        row = self.current
        return PostRef(*row.key) if isinstance(row, PostRow) and not row.deleted else None

    def post_count(self) -> int:
        """Posts in this view, marks not counted (as of the last reload)."""
        return len(self.window) - len(self.source.marks)

    # ------------------------------------------------------------------ moving
    def move(self, index: int) -> bool:
        """Put the cursor on ``index`` (clamped), scrolling just enough to show it."""
        index = max(0, min(index, len(self.window) - 1))
        moved = index != self.cursor
        self.cursor = index
        if index < self.top:
            self.top = index
        elif index >= self.top + self.height:
            self.top = index - self.height + 1
        self._saw_top()
        return moved

    def go_to(self, key: RowKey) -> bool:
        """Put the cursor on the row with ``key`` (a post opened from a notification or an
        address); False when the view does not hold it."""
        found = self.source.lookup(key)
        if found is None:
            return False
        index = self.source.position(found.sort_key)
        if not 0 <= index < len(self.window):
            return False
        self.window.seed(index, found)
        self.move(index)
        return True

    def step(self, rows: int) -> bool:
        return self.move(self.cursor + rows)

    def page(self, pages: int) -> bool:
        return self.move(self.cursor + pages * self.height)

    def view(self, top: int, height: int) -> None:
        """What the pane shows: rows ``top`` to ``top + height`` (scrolled by the reader)."""
        self.top = max(0, top)
        self.height = max(1, height)
        self._saw_top()

    def next_unread(self) -> bool:
        """Move to the next unread post below the cursor (wrapping to the newest unread)."""
        row = self.current
        entry = self.store.timeline(self.scope).next_unread(row.sort_key if row else None)
        if entry is None:
            return False
        self.move(self.source.position(entry.sort_key))
        return True

    # ------------------------------------------------------------------ changes
    def anchor(self) -> Anchor | None:
        row = self.current
        if row is None:
            return None
        return Anchor(row.key, row.sort_key, self.cursor - self.top)

    def reload(self, anchor: Anchor | None = None) -> None:
        """Read the rows again (posts or marks came or went); the reader keeps their place.
        A view that had no post yet starts at its top once posts come."""
        anchor = anchor or self.anchor()
        if len(self.window) == len(self.source.marks):  # only marks were in view
            anchor = None
        self.window = self._window()
        if anchor is None:
            self.cursor = self.top = 0
        else:
            self.restore(anchor)
        self._count_new()

    def restore(self, anchor: Anchor) -> None:
        """Put the cursor back on the anchor's row (or where it was), at the same line."""
        sort_key = anchor.sort_key
        found = self.source.lookup(anchor.key)
        if found is not None:  # still here, perhaps elsewhere (an edit of its date)
            sort_key = found.sort_key if anchor.key[0] != "mark" else sort_key
        index = max(0, min(self.source.position(sort_key), len(self.window) - 1))
        if found is not None and found.sort_key == sort_key:
            self.window.seed(index, found)
        self.cursor = index
        self.top = max(0, index - anchor.line)
        self._saw_top()

    def set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self.window = self._window()
        self.cursor = self.top = 0
        self._seen_top = None
        self._saw_top()

    def update(self, rows: list[Row]) -> list[int]:
        """New versions of loaded rows, in place (counts, read state); returns positions."""
        return [i for i in (self.window.replace(row) for row in rows) if i is not None]

    def deleted(self, keys: list[tuple[str, str, str]]) -> list[int]:
        """Retracted posts in view lose their text where they are until the next reload."""
        gone = set(keys)
        return self.update([row.as_deleted() for _, row in self.window.loaded()
                            if isinstance(row, PostRow) and row.key in gone])

    def read_state(self, keys: list[tuple[str, str, str]], unread: bool) -> list[int]:
        wanted = set(keys)
        return self.update([replace(row, unread=unread) for _, row in self.window.loaded()
                            if isinstance(row, PostRow) and row.key in wanted
                            and row.unread != unread])

    # ------------------------------------------------------------------ paging
    def wanted(self) -> list[MarkRow]:
        """Marks in view or within a page below it whose older posts should be fetched."""
        last = max(self.cursor, self.top + self.height - 1) + self.height
        out = []
        for index in range(self.top, min(last + 1, len(self.window))):
            row = self.window.row(index)
            if isinstance(row, MarkRow) and row.loads and not row.loading \
                    and row.key not in self.problems:
                out.append(row)
        return out

    def set_loading(self, key: RowKey, loading: bool, problem: str = "") -> None:
        """A mark's page started or finished (``problem`` says why it failed)."""
        (self.loading.add if loading else self.loading.discard)(key)
        if problem:
            self.problems[key] = problem
        else:
            self.problems.pop(key, None)
        self.reload()

    def retry(self, key: RowKey) -> None:
        """Enter on a mark whose page failed: it may be asked for again."""
        self.problems.pop(key, None)

    # ------------------------------------------------------------------ new posts
    def _saw_top(self) -> None:
        if self.top == 0:
            first = self.window.row(0)
            self._seen_top = first.sort_key if first is not None else None
            self.new_posts = 0

    def _count_new(self) -> None:
        if self.top == 0 or self._seen_top is None:
            self._saw_top()
            return
        self.new_posts = self.source.posts_newer(self._seen_top)
