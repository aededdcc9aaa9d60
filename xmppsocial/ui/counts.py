"""Comment and like counts for the posts on screen.

Comments live on a node per post and are not part of a blog's items, so a
freshly synced feed knows no counts. The rows in view get theirs fetched in
the background, a few at a time, once per post and session.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from xmppsocial.model import ConnectionState, PostRef
from xmppsocial.reading.rows import PostRow

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp
    from xmppsocial.ui.panes import ReadingPanes

IN_FLIGHT = 4


class CommentCounts:
    """Fetches the comments of rows in view of one pane whose count is not known yet."""

    def __init__(self, app: XmppSocialApp, panes: ReadingPanes) -> None:
        self.app = app
        self.panes = panes
        self.counted = app.counted  # shared: a post is counted once per session
        self._counting = False

    def count_visible(self) -> None:
        service = self.app.service
        if self._counting or service is None or service.state is not ConnectionState.ONLINE:
            return
        reader = self.panes.reader
        todo = []
        for index in range(reader.top, reader.top + reader.height + 1):
            row = reader.row(index)
            if isinstance(row, PostRow) and not row.deleted and row.key not in self.counted:
                todo.append(row.key)
        if todo:
            self._counting = True
            self.panes.run_worker(self._fetch(todo), group="counts", exit_on_error=False)

    async def _fetch(self, keys: list[tuple[str, str, str]]) -> None:
        gate = asyncio.Semaphore(IN_FLIGHT)
        store = self.app.store

        async def one(key: tuple[str, str, str]) -> None:
            self.counted.add(key)
            post = store.get_post(PostRef(*key))
            service = self.app.service
            if post is None or service is None:
                return
            async with gate:
                try:
                    reactions = await service.reactions(post)
                except Exception:  # noqa: BLE001 - a node we may not read: count stays unknown
                    return
            before = store.likers(post)
            store.set_attachment_likes(post.ref, reactions.noticed)  # Libervia's likes
            if store.upsert_posts(list(reactions.comments)).new or store.likers(post) != before:
                self.panes.refresh_rows([key])

        try:
            await asyncio.gather(*(one(key) for key in keys))
        finally:
            self._counting = False
