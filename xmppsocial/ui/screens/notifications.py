"""Everything the app told the user this session: replies, followers, failures."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class NotificationsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    NotificationsScreen { align: center middle; }
    #notifications { width: 90; height: 80%; border: thick $accent; background: $surface;
                     padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,N", "dismiss", "Close")]

    def __init__(self, history: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        text = Text("Notifications\n\n", "bold")
        if not self.history:
            text.append("Nothing yet.", "dim")
        for stamp, title, message in reversed(self.history):
            text.append(f"{stamp}  ", "dim")
            if title:
                text.append(f"{title}: ", "bold")
            text.append(message + "\n")
        with VerticalScroll(id="notifications"):
            yield Static(text)
