"""The ? screen: every key, as bound now ([keys] of config.toml applied)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from xmppsocial.keys import KEYS

WHERE = {"feed": "In the feed", "app": "Everywhere", "blog": "In a blog",
         "composer": "In the composer"}
SHOWN = {"question_mark": "?", "slash": "/", "pagedown": "PgDn", "pageup": "PgUp",
         "space": "space", "escape": "esc", "enter": "enter", "down": "↓", "up": "↑"}


def shown_keys(keys: str) -> str:
    return " / ".join(SHOWN.get(k.strip(), k.strip()) for k in keys.split(","))


def help_text(keymap: dict[str, str]) -> str:
    width = max(len(shown_keys(keymap[s.name])) for s in KEYS) + 2
    out = ["Keys"]
    for where, heading in WHERE.items():
        out += ["", heading]
        out += [f"  {shown_keys(keymap[s.name]):<{width}}{s.does}" for s in KEYS
                if s.where == where]
    out += ["", f"  {'ctrl+p':<{width}}command palette (every command, and themes)"]
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 78; height: 80%; border: thick $accent; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text(self.keymap), markup=False)
