"""The ? screen: every key, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("j / ↓, k / ↑", "move in the feed"), ("g / G", "newest / oldest post"),
    ("PgDn / PgUp", "a page down / up"), ("enter", "open the thread"),
    ("tab", "switch between feed and thread"), ("n", "new post"), ("r", "reply (comment)"),
    ("e", "edit my post"), ("d", "delete my post (asks first)"), ("l", "like"),
    ("f", "follow / unfollow this blog"), ("b", "open this author's blog"),
    ("/", "search"), ("h", "home timeline"), ("U", "unread only"), ("u", "next unread"),
    ("o", "open a link of the post (a list when several)"), ("N", "notifications"), ("ctrl+e", "compose in $EDITOR"),
    ("ctrl+s", "send from the composer"), ("escape", "close the composer, keeping the draft"),
    ("ctrl+p", "command palette"), ("?", "this help"), ("q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 64; height: 80%; border: thick $accent; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS) + 2
        text = "Keys\n\n" + "\n".join(f"{k:<{width}}{v}" for k, v in KEYS)
        with VerticalScroll(id="help"):
            yield Static(text, markup=False)
