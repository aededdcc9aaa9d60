"""Comment counts for the posts on screen.

Comments live on a node per post and are not part of a blog's items, so a
freshly synced feed knows no counts. The rows in view get theirs fetched in
the background, a few at a time, once per post and session.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work

from xmppsocial.model import ConnectionState, PostRef
from xmppsocial.store import Store
from xmppsocial.ui.service_api import SocialService

if TYPE_CHECKING:
    from xmppsocial.ui.widgets.timeline_view import TimelineView

IN_FLIGHT = 4


class CommentCounts:
    store: Store
    service: SocialService | None

    if TYPE_CHECKING:
        feed: TimelineView
        panes_gone: bool

        def _refresh_row(self, key: tuple[str, str, str]) -> None: ...

    _counted: set[tuple[str, str, str]]
    _counting = False

    def count_visible(self) -> None:
        """Fetch the comments of rows in view whose count is not known this session."""
        if self._counting or self.service is None or self.panes_gone \
                or self.service.state is not ConnectionState.ONLINE:
            return
        from xmppsocial.ui.widgets.timeline_view import ROW_HEIGHT

        first = self.feed.scroll_offset.y // ROW_HEIGHT
        todo = []
        for index in range(first, first + self.feed.size.height // ROW_HEIGHT + 1):
            row = self.feed.rows.row(index)
            if row is None:
                break
            if row.key not in self._counted:
                todo.append(row.key)
        if todo:
            self._counting = True
            self._fetch_counts(todo)

    @work(group="counts", exit_on_error=False)
    async def _fetch_counts(self, keys: list[tuple[str, str, str]]) -> None:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(key: tuple[str, str, str]) -> None:
            self._counted.add(key)
            post = self.store.get_post(PostRef(*key))
            if post is None or post.comments is None or self.service is None:
                return
            async with gate:
                try:
                    comments = await self.service.comments(post)
                except Exception:  # noqa: BLE001 - a node we may not read: count stays unknown
                    return
            if self.store.upsert_posts(comments).new:
                self._refresh_row(key)

        try:
            await asyncio.gather(*(one(key) for key in keys))
        finally:
            self._counting = False
