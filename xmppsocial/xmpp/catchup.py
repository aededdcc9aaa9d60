"""Catching up after a start or a reconnection: every blog read back to what the cache holds.

Servers keep no pushes for an offline subscriber (Prosody sends nothing,
ejabberd only the last item), so after each (re)connection every followed
blog, and my own, is read from its newest post down, page by page, until a
page reaches the newest post the cache already held (its tip). A blog that
posted more than the bound while we were away is left with a hole just below
the oldest post read, with the cursor that reads on into it: the reader
fills it from the timeline. A blog the cache held nothing of gets one page,
where its history in the cache starts.

Pages are compared by Atom ``published``, newest first (xmpp/reading.py
returns them in that order); pushes that arrive meanwhile are the same items
and are deduplicated by the store.
"""

from __future__ import annotations

from typing import Any, Protocol

from xmppsocial.events import HistoryFetched
from xmppsocial.model import NodeRef, Post
from xmppsocial.xmpp.iq import ServiceError

PAGE = 20
PAGES = 5  # at most 100 posts per blog per catch-up; beyond that a hole


class CachedTip(Protocol):
    item_id: str
    published: float  # POSIX time of its Atom published date


class CacheView(Protocol):
    """What the catch-up needs to know of the cache (Store.history has it)."""

    def tip(self, node: NodeRef) -> CachedTip | None: ...


class Fetcher(Protocol):
    async def fetch_latest(self, node: NodeRef, count: int = 20, *,
                           deliver: bool = True) -> Any: ...

    async def fetch_older(self, node: NodeRef, cursor: Any, count: int = 20) -> Any: ...


def reached(posts: tuple[Post, ...] | list[Post], tip: CachedTip) -> bool:
    """Whether a page gets down to the cache's newest post of the blog."""
    return any(p.item_id == tip.item_id or p.published.timestamp() <= tip.published
               for p in posts)


async def catch_up(fetcher: Fetcher, cache: CacheView | None, node: NodeRef, *,
                   page: int = PAGE, pages: int = PAGES) -> HistoryFetched:
    """Read ``node`` from its newest post down to the cache's tip, at most ``pages`` pages."""
    tip = cache.tip(node) if cache is not None else None
    try:
        got = await fetcher.fetch_latest(node, page, deliver=False)
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            raise
        # No such node (yet): a blog with no posts, whose history is complete.
        return HistoryFetched(node, (), "first" if tip is None else "top", None, True)
    posts = list(got.posts)
    if tip is None:
        return _event(node, posts, "first", got.cursor)
    joined = reached(got.posts, tip)
    for _ in range(pages - 1):
        if joined or got.cursor is None:
            break
        got = await fetcher.fetch_older(node, got.cursor, page)
        posts += got.posts
        joined = reached(got.posts, tip)
    return _event(node, posts, "top", got.cursor, joined or got.cursor is None)


def _event(node: NodeRef, posts: list[Post], kind: str, cursor: Any,
           joined: bool = False) -> HistoryFetched:
    ordered = tuple(sorted(posts, key=lambda p: (p.published, p.item_id), reverse=True))
    return HistoryFetched(node, ordered, kind, cursor.encode() if cursor is not None else None,
                          joined)
