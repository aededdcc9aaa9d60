"""The application shell: feed pane, thread pane and status line.

Wiring only. The timeline, composer and account screens arrive with the TUI
issue; this first screen already uses the layout they will fill.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from xmppsocial import __version__
from xmppsocial.model import ConnectionState


class XmppSocialApp(App[None]):
    """Full-screen XMPP social feed reader."""

    CSS_PATH = "app.tcss"
    TITLE = "xmppsocial"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help_panel", "Help", show=False),
    ]

    def __init__(self, state: ConnectionState = ConnectionState.OFFLINE) -> None:
        super().__init__()
        self.connection_state = state

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with VerticalScroll(id="feed-pane") as feed:
                feed.border_title = "Feed"
                yield Static("No posts yet. No account is configured.", classes="empty-note",
                             markup=False)
            with VerticalScroll(id="thread-pane") as thread:
                thread.border_title = "Thread"
                yield Static("Select a post to read it here.", classes="empty-note",
                             markup=False)
        yield Static(f"{self.connection_state.value}", id="status-line", markup=False)
        yield Footer()

    def action_help_panel(self) -> None:
        self.action_show_help_panel()
