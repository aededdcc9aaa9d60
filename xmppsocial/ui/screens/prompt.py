"""One line asked for: a blog's address to open, a pubsub service to browse."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PromptScreen(ModalScreen[str | None]):
    """Enter gives the text typed (stripped), Escape None."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    #prompt { width: 90; height: auto; border: thick $accent; background: $surface;
              padding: 1 2; }
    #prompt-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, hint: str = "", value: str = "",
                 placeholder: str = "") -> None:
        super().__init__()
        self.question, self.hint, self.value, self.placeholder = question, hint, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.question, markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            if self.hint:
                yield Label(self.hint, id="prompt-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
