"""Fetching the pages that marks ask for, in the background, a few at a time.

A mark's page is fetched once at a time, whichever view asked; while it runs
every view of that blog shows "loading older posts…", and a failure is shown
on the row until the reader presses Enter on it. Results are applied like any
service event (XmppSocialApp.take), so every view updates together.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from xmppsocial.model import ConnectionState
from xmppsocial.reading import paging
from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import MarkRow, RowKey

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp

IN_FLIGHT = 4


class HistoryLoader:
    def __init__(self, app: XmppSocialApp) -> None:
        self.app = app
        self.loading: set[RowKey] = set()
        self.problems: dict[RowKey, str] = {}
        self._gate = asyncio.Semaphore(IN_FLIGHT)

    def load(self, reader: Reader, marks: list[MarkRow]) -> None:
        service = self.app.service
        if service is None or service.state is not ConnectionState.ONLINE:
            return
        started = False
        for mark in marks:
            if mark.key in self.loading:
                continue
            self.loading.add(mark.key)
            self.problems.pop(mark.key, None)
            self.app.run_worker(self._one(mark), group="history", exit_on_error=False)
            started = True
        if started:
            self.app.refresh_views()  # the rows say "loading…"

    async def _one(self, mark: MarkRow) -> None:
        service = self.app.service
        try:
            async with self._gate:
                assert service is not None
                event = await paging.load(service, self.app.store, mark)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - shown on the row, retried on Enter
            self.loading.discard(mark.key)
            self.problems[mark.key] = getattr(exc, "message", "") or str(exc) or \
                type(exc).__name__
            self.app.refresh_views()
            return
        self.loading.discard(mark.key)
        self.app.take([event])
