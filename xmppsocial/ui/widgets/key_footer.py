"""KeyFooter: Textual's Footer, rebuilt once per burst of binding changes.

Textual's Footer recomposes every key on each focus or binding change; at
start-up that happens five times in a row (about a fifth of launch-to-paint).
Changes that arrive before the pending rebuild ran share it.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """The footer of key bindings, with coalesced rebuilds."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
