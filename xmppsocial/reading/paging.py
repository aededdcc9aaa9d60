"""Reading further back into a blog's history when the reader reaches one of its marks.

What a mark asks for:

- a hole: the next page into the gap, from the cursor the catch-up kept; the
  gap closes when the page reaches the newest post the cache held below it;
- a frontier with a cursor: the next older page;
- a blog with nothing cached: its newest page, where its history starts;
- a frontier read before paging state was kept (no cursor): pages from the
  newest down until one reaches past the frontier (at most WALK_PAGES).

Pages are sorted here by ``published``, newest first, whatever order the
server used. The result is a HistoryFetched value, applied to the store by
xmppsocial.applying like any other service event.
"""

from __future__ import annotations

from typing import Any, Protocol

from xmppsocial.events import HistoryFetched
from xmppsocial.model import NodeRef, Post
from xmppsocial.reading.rows import MarkRow
from xmppsocial.store import Store

PAGE = 20
WALK_PAGES = 25


class Page(Protocol):
    posts: tuple[Post, ...]
    cursor: Any  # the network layer's cursor (has .encode()), None when nothing is older


class Fetcher(Protocol):
    """What paging needs from the service (XmppService has it)."""

    async def fetch_latest(self, node: NodeRef, count: int = 20, *,
                           deliver: bool = True) -> Any: ...

    async def fetch_older(self, node: NodeRef, cursor: Any, count: int = 20) -> Any: ...

    def cursor(self, text: str) -> Any: ...


def newest_first(posts: tuple[Post, ...] | list[Post]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda p: (p.published, p.item_id), reverse=True))


def encoded(cursor: Any) -> str | None:
    return cursor.encode() if cursor is not None else None


async def load(fetcher: Fetcher, store: Store, mark: MarkRow, page: int = PAGE) -> HistoryFetched:
    """Fetch what ``mark`` stands for; the caller applies the result."""
    node = mark.feed
    if mark.kind == "hole" and mark.hole is not None:
        return await _fill_hole(fetcher, store, node, mark.hole, page)
    history = store.history.feed(node)
    if history.cursor:
        got = await fetcher.fetch_older(node, fetcher.cursor(history.cursor), page)
        return HistoryFetched(node, newest_first(got.posts), "older", encoded(got.cursor))
    if history.frontier is None:
        try:
            got = await fetcher.fetch_latest(node, page, deliver=False)
        except Exception as exc:
            if not _no_such_node(exc):
                raise
            return HistoryFetched(node, (), "first", None)  # no blog yet: nothing to read
        return HistoryFetched(node, newest_first(got.posts), "first", encoded(got.cursor))
    return await _walk_past(fetcher, node, history.frontier[0], page)


def _no_such_node(exc: Exception) -> bool:
    has = getattr(exc, "has", None)
    return bool(has and has("item-not-found"))


async def _fill_hole(fetcher: Fetcher, store: Store, node: NodeRef, hole_id: int,
                     page: int) -> HistoryFetched:
    hole = store.history.hole(hole_id)
    if hole is None:
        return HistoryFetched(node, (), "hole", None, joined=True, hole=hole_id)
    below = store.history.newest_below(node, hole.above) if hole.above else None
    got = await fetcher.fetch_older(node, fetcher.cursor(hole.cursor), page)
    posts = newest_first(got.posts)
    joined = below is not None and any(
        p.item_id == below.item_id or p.published.timestamp() <= below.published for p in posts)
    missing = max(0, hole.missing - len(posts)) if hole.missing is not None else None
    return HistoryFetched(node, posts, "hole", encoded(got.cursor), joined, hole_id, missing)


async def _walk_past(fetcher: Fetcher, node: NodeRef, frontier: float,
                     page: int) -> HistoryFetched:
    got = await fetcher.fetch_latest(node, page, deliver=False)
    posts = list(got.posts)
    for _ in range(WALK_PAGES):
        if got.cursor is None or any(p.published.timestamp() <= frontier for p in got.posts):
            break
        got = await fetcher.fetch_older(node, got.cursor, page)
        posts += got.posts
    return HistoryFetched(node, newest_first(posts), "older", encoded(got.cursor))
