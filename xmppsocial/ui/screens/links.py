"""Choosing one of several: a post's links to open, its tags to view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from xmppsocial.content.sanitize import clean_line


class LinkPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    LinkPicker { align: center middle; }
    #links { width: 90; height: auto; max-height: 80%; border: thick $accent;
             background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, links: list[tuple[str, str]], question: str = "Open which link?") -> None:
        super().__init__()
        self.links = links
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="links"):
            yield Label(self.question, markup=False)
            # Option prompts are Rich renderables: plain strings would be read as markup.
            from rich.text import Text

            yield OptionList(*(Option(Text(f"{clean_line(label, 40)}  {clean_line(href, 200)}"),
                                      id=str(n)) for n, (label, href) in enumerate(self.links)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id or 0)][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
