"""Sparse, paged access by position to the rows of a timeline of any length.

The view asks for rows by position; the window keeps only the pages that
were asked for. A page is read from the source by keyset from a loaded
neighbour (the usual case: scrolling and paging), from either end, or by
offset only for a far jump (dragging the scrollbar). The cost of a key press
therefore does not depend on how many posts there are.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from xmppsocial.reading.rows import Row, SortKey

PAGE = 50


class RowSource(Protocol):
    """Keyset-paged rows, newest first; ``sort_key`` values come from the source."""

    def count(self) -> int: ...

    def newest(self, limit: int) -> list[Row]: ...

    def oldest(self, limit: int) -> list[Row]:
        """The ``limit`` oldest rows, still in newest-first order."""
        ...

    def older_than(self, sort_key: SortKey, limit: int) -> list[Row]: ...

    def newer_than(self, sort_key: SortKey, limit: int) -> list[Row]:
        """The ``limit`` rows just newer than ``sort_key``, in newest-first order."""
        ...

    def at_offset(self, offset: int, limit: int) -> list[Row]: ...


class Window:
    """Rows by position over a RowSource, holding at most ``max_pages`` pages."""

    def __init__(self, source: RowSource, max_pages: int = 64) -> None:
        self.source = source
        self.max_pages = max_pages
        self.total = source.count()
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()

    def __len__(self) -> int:
        return self.total

    def row(self, index: int) -> Row | None:
        if not 0 <= index < self.total:
            return None
        page_no, offset = divmod(index, PAGE)
        page = self._page(page_no)
        return page[offset] if offset < len(page) else None

    def loaded(self) -> list[tuple[int, Row]]:
        """The rows in memory with their positions."""
        return [(page_no * PAGE + offset, row) for page_no, page in self._pages.items()
                for offset, row in enumerate(page)]

    def index_of(self, key: tuple[str, ...]) -> int | None:
        """Position of a loaded row, or None when its page is not in memory."""
        return next((index for index, row in self.loaded() if row.key == key), None)

    def replace(self, row: Row) -> int | None:
        """Swap in a new version of a loaded row (an edit, a deletion); returns its position."""
        for page_no, page in self._pages.items():
            for offset, old in enumerate(page):
                if old.key == row.key:
                    page[offset] = row
                    return page_no * PAGE + offset
        return None

    def seed(self, index: int, row: Row) -> None:
        """Load the page holding ``row``, known to be at ``index``, by keyset around it: a
        reload that keeps the reader's place does not read the rows above by offset."""
        if not 0 <= index < self.total:
            return
        page_no, offset = divmod(index, PAGE)
        newer = self.source.newer_than(row.sort_key, offset) if offset else []
        older = self.source.older_than(row.sort_key, PAGE - offset - 1)
        if len(newer) == offset:
            self._pages[page_no] = [*newer, row, *older]

    def _page(self, page_no: int) -> list[Row]:
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        page = self._fetch(page_no)
        self._pages[page_no] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def _fetch(self, page_no: int) -> list[Row]:
        last_page = (self.total - 1) // PAGE
        before, after = self._pages.get(page_no - 1), self._pages.get(page_no + 1)
        if page_no == 0:
            return self.source.newest(PAGE)
        if before:
            return self.source.older_than(before[-1].sort_key, PAGE)
        if after and len(after) == PAGE:
            return self.source.newer_than(after[0].sort_key, PAGE)
        if page_no == last_page:
            return self.source.oldest(self.total - page_no * PAGE)
        return self.source.at_offset(page_no * PAGE, PAGE)
