"""Sparse, paged access to a timeline of any length, for a Line-API view.

The view asks for rows by absolute position; this keeps only the pages that
were asked for. A page is fetched from the source by keyset from a loaded
neighbour (the usual case: scrolling and paging), from either end, or by
offset only for a far jump (dragging the scrollbar). The cost of a key press
therefore does not depend on how many posts there are.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PAGE = 50


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """What one line of the feed pane shows about a post (already safe, plain text)."""

    key: tuple[str, str, str]
    sort_key: tuple[object, ...]
    author: str
    title: str
    preview: str
    when: datetime | None  # None: "date unknown"
    unread: bool = False
    likes: int = 0
    comments: int = 0
    revision: str = ""
    retracted: bool = False


class TimelineSource(Protocol):
    """Keyset-paged rows, newest first; ``sort_key`` values come from the source."""

    def count(self) -> int: ...

    def newest(self, limit: int) -> list[TimelineRow]: ...

    def oldest(self, limit: int) -> list[TimelineRow]:
        """The ``limit`` oldest rows, still in newest-first order."""
        ...

    def older_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineRow]: ...

    def newer_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineRow]:
        """The ``limit`` rows just newer than ``sort_key``, in newest-first order."""
        ...

    def at_offset(self, offset: int, limit: int) -> list[TimelineRow]: ...


class TimelineRows:
    """Rows by position over a TimelineSource, holding at most ``max_pages`` pages."""

    def __init__(self, source: TimelineSource, max_pages: int = 64) -> None:
        self.source = source
        self.max_pages = max_pages
        self.total = 0
        self._pages: OrderedDict[int, list[TimelineRow]] = OrderedDict()
        self.reload()

    def reload(self) -> None:
        """Forget everything and count again (after new posts were taken in)."""
        self._pages.clear()
        self.total = self.source.count()

    def __len__(self) -> int:
        return self.total

    def row(self, index: int) -> TimelineRow | None:
        if not 0 <= index < self.total:
            return None
        page_no, offset = divmod(index, PAGE)
        page = self._page(page_no)
        return page[offset] if offset < len(page) else None

    def index_of(self, key: tuple[str, str, str]) -> int | None:
        """Position of a loaded row, or None when its page is not in memory."""
        for page_no, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.key == key:
                    return page_no * PAGE + offset
        return None

    def replace(self, row: TimelineRow) -> int | None:
        """Swap in a new version of a loaded row (an edit); returns its position."""
        for page_no, page in self._pages.items():
            for offset, old in enumerate(page):
                if old.key == row.key:
                    page[offset] = row
                    return page_no * PAGE + offset
        return None

    def _page(self, page_no: int) -> list[TimelineRow]:
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        page = self._fetch(page_no)
        self._pages[page_no] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def _fetch(self, page_no: int) -> list[TimelineRow]:
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
