"""Notifications kept in the cache, newest first: comments, likes, replies and repeats of
my posts, new followers. Enter opens what one is about and marks it read; a marks all read.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from xmppsocial.notifications import Notification

SHOWN = 500  # the newest ones; the CLI's `notifications` lists them all


def when(note: Notification, now: datetime) -> str:
    stamp = datetime.fromtimestamp(note.created)
    return stamp.strftime("%H:%M" if stamp.date() == now.date() else "%d %b %H:%M")


def line(note: Notification, now: datetime) -> Text:
    text = Text()
    text.append("● " if not note.read else "  ", "bold")
    text.append(f"{when(note, now):>12}  ", "dim")
    text.append(note.headline(), "bold" if not note.read else "")
    return text


class NotificationsScreen(ModalScreen[Notification | None]):
    """Dismissed with the notification chosen (to open), or None."""

    DEFAULT_CSS = """
    NotificationsScreen { align: center middle; }
    #notifications { width: 90%; height: 80%; border: thick $accent; background: $surface;
                     padding: 0 1; }
    #notifications-title { text-style: bold; }
    #notifications-hint { color: $text-muted; }
    #notifications OptionList { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q,N", "close", "Close"),
                Binding("a", "all_read", "Mark all read")]

    def __init__(self, notes: list[Notification], unread: int,
                 now: datetime | None = None) -> None:
        super().__init__()
        self.notes = notes
        self.unread = unread
        self.now = now or datetime.now()

    def compose(self) -> ComposeResult:
        with Vertical(id="notifications"):
            yield Label(self._title(), id="notifications-title", markup=False)
            yield Label("Enter opens the post (or the follower's blog) · a marks all read · "
                        "Escape closes" if self.notes else
                        "Nothing yet: comments, likes, replies and repeats of your posts and "
                        "new followers show here.", id="notifications-hint", markup=False)
            yield OptionList(*(Option(line(n, self.now), id=str(i))
                               for i, n in enumerate(self.notes)))

    def _title(self) -> str:
        return f"Notifications · {self.unread} unread" if self.unread else "Notifications"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.notes[int(event.option.id or 0)])

    def action_close(self) -> None:
        self.dismiss(None)

    def action_all_read(self) -> None:
        self.app.store.mark_notifications_read()  # type: ignore[attr-defined]
        self.notes = [n if n.read else _read(n) for n in self.notes]
        self.unread = 0
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(line(n, self.now), id=str(i))
                             for i, n in enumerate(self.notes)])
        options.highlighted = highlighted
        self.query_one("#notifications-title", Label).update(self._title())
        self.app._refresh_status()  # type: ignore[attr-defined]


def _read(note: Notification) -> Notification:
    from dataclasses import replace

    return replace(note, read=True)
