"""Every kept draft, newest first, whoever kept it (the composer, or the command line when
the server refused); Enter reopens one in the composer it belongs to."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from xmppsocial.content.sanitize import clean_line
from xmppsocial.drafts import draft_target
from xmppsocial.store import Draft, Store


class DraftsScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    DraftsScreen { align: center middle; }
    #drafts { width: 96; height: auto; max-height: 80%; border: thick $accent;
              background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, drafts: list[Draft], store: Store) -> None:
        super().__init__()
        self.drafts = drafts
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical(id="drafts"):
            if not self.drafts:
                yield Label("No drafts kept.", markup=False)
                return
            yield Label(f"Drafts ({len(self.drafts)}): enter to go on writing", markup=False)
            options = []
            for draft in self.drafts:
                line = Text()
                line.append(datetime.fromtimestamp(draft.saved).strftime("%Y-%m-%d %H:%M  "),
                            "dim")
                line.append(draft_target(self.store, draft.key).describe() + "  ", "bold")
                line.append(clean_line(draft.title or draft.body, 70))
                options.append(Option(line, id=draft.key))
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
