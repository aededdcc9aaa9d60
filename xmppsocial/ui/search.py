"""The search box and the views it leads to (a search, a tag), and the way back.

Entering a search or a tag view remembers the view and the place the reader
left; Escape, from the box or from the results, goes back there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from xmppsocial.reading.reader import Anchor
from xmppsocial.store import Scope

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp


class Search:
    def __init__(self, app: XmppSocialApp) -> None:
        self.app = app
        self._back: tuple[Scope, Anchor | None, str] | None = None

    @property
    def box(self) -> Input:
        return self.app.query_one("#search", Input)

    def open(self) -> None:
        self.box.add_class("shown")
        self.box.focus()

    def submitted(self, words: str) -> None:
        from xmppsocial.ui.actions.reading import scope_from_words

        self.box.remove_class("shown")
        if words.strip():
            self.enter(scope_from_words(words))
        else:
            self.leave()

    def enter(self, scope: Scope) -> None:
        from xmppsocial.ui.actions.reading import set_scope

        panes = self.app.main_panes
        if self._back is None:
            self._back = (panes.scope, panes.reader.anchor(), panes.title)
        if self.app.screen is not panes.screen:
            self.app.pop_screen()  # a tag chosen in a blog's view is shown in the main view
        set_scope(self.app, scope)
        panes.feed.focus()

    def leave(self) -> bool:
        """Back from the box and the results to where the reader was; False if not in one."""
        box = self.box
        was_open = box.has_class("shown")
        box.remove_class("shown")
        panes = self.app.main_panes
        if self._back is None:
            panes.feed.focus()
            return was_open
        scope, anchor, title = self._back
        self._back = None
        panes.set_scope(scope, title)
        if anchor is not None:
            panes.reader.restore(anchor)
            panes.feed.sync(reloaded=True)
        panes.show_row(panes.reader.current)
        panes.feed.focus()
        return True
