"""The outbox: what waits to be sent and what failed, with why; retry, edit or discard.

The screen lists and asks; what retrying, editing and discarding do is in
ui/actions/outbox.py, reached through ``act``.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from xmppsocial.outbox_lines import describe
from xmppsocial.store.outbox import OutboxItem

HINT = "r retry · e edit · x discard · escape close"


class OutboxScreen(ModalScreen[None]):
    """Every outbox item, oldest first (the order they are sent in)."""

    DEFAULT_CSS = """
    OutboxScreen { align: center middle; }
    #outbox { width: 96; max-width: 100%; height: auto; max-height: 80%;
              border: thick $accent; background: $surface; padding: 0 1; }
    #outbox-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("r", "act('retry')", "Retry"),
        Binding("e", "act('edit')", "Edit"),
        Binding("x,delete", "act('discard')", "Discard"),
    ]

    def __init__(self, load: Callable[[], list[OutboxItem]],
                 act: Callable[[str, OutboxItem], None]) -> None:
        super().__init__()
        self.load = load
        self.act = act
        self.items: list[OutboxItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="outbox"):
            yield Label("", id="outbox-heading", markup=False)
            yield OptionList(id="outbox-items")
            yield Label(HINT, id="outbox-hint", markup=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        """Read the outbox again, keeping the highlight where it was when it can."""
        options = self.query_one(OptionList)
        keep = options.highlighted or 0
        self.items = self.load()
        options.clear_options()
        options.add_options([Option(_line(item), id=str(item.id)) for item in self.items])
        if self.items:
            options.highlighted = min(keep, len(self.items) - 1)
        failed = sum(1 for item in self.items if item.failed)
        heading = (f"Outbox: {len(self.items) - failed} waiting, {failed} failed"
                   if self.items else "The outbox is empty: everything was sent.")
        self.query_one("#outbox-heading", Label).update(heading)

    @property
    def current(self) -> OutboxItem | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def action_act(self, what: str) -> None:
        item = self.current
        if item is None:
            return
        if what == "discard":
            from xmppsocial.ui.screens.confirm import ConfirmScreen

            line = describe(item)
            self.app.push_screen(
                ConfirmScreen(f"Discard this {line.what} unsent? {line.text[:60]}"),
                lambda yes: self._do("discard", item) if yes else None)
            return
        self._do(what, item)

    def _do(self, what: str, item: OutboxItem) -> None:
        self.act(what, item)
        if self.is_attached:
            self.reload()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_act("edit")

    def action_close(self) -> None:
        self.dismiss(None)


def _line(item: OutboxItem) -> Text:
    line = describe(item)
    text = Text()
    text.append("failed " if line.failed else "waiting", "bold red" if line.failed else "yellow")
    text.append(f"  {line.what:<7} ", "bold")
    text.append(f"{line.where}  ", "dim")
    text.append(line.text)
    if line.reason:
        text.append(f"\n         {line.reason}", "red" if line.failed else "dim")
    return text
