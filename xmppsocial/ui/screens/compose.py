"""The composer: title, Markdown body, tags, audience; new post, reply or edit.

Every change is saved as a draft under the composer's key, so escape, a
crash or a failed publish never loses what was typed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

AUDIENCES = [("Public (anyone can read)", "open"), ("Contacts only", "presence")]


@dataclass(frozen=True, slots=True)
class Composed:
    """What the user asked to send."""

    title: str
    body: str
    tags: tuple[str, ...]
    audience: str


@dataclass(frozen=True, slots=True)
class ComposeRequest:
    """Why the composer opens: ``kind`` is new, reply or edit; ``key`` names its draft."""

    kind: str
    key: str
    heading: str
    title: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    audience: str = "open"


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


def edit_in_editor(text: str, run: Callable[[list[str]], object] = subprocess.call) -> str:
    """Edit ``text`` in $EDITOR: no shell, a private temporary file removed afterwards."""
    fd, path = tempfile.mkstemp(prefix="xmppsocial-", suffix=".md")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        run([*editor_command(), path])
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    finally:
        os.unlink(path)


class ComposeScreen(ModalScreen[Composed | None]):
    """A modal form; dismisses with Composed on send, None on escape (draft kept)."""

    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    #composer { width: 90%; max-width: 110; height: 90%; border: thick $accent;
                background: $surface; padding: 0 1; }
    #composer-heading { text-style: bold; padding: 0 0 1 0; }
    #composer TextArea { height: 1fr; }
    #composer-buttons { height: 3; align-horizontal: right; }
    #composer-row { height: 3; }
    #composer-row Input { width: 2fr; }
    #composer-row Select { width: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("escape", "close", "Close (keep draft)", priority=True),
        Binding("ctrl+e", "editor", "$EDITOR", priority=True),
    ]

    def __init__(self, request: ComposeRequest,
                 save_draft: Callable[[str, Composed], None] | None = None) -> None:
        super().__init__()
        self.request = request
        self.save_draft = save_draft

    def compose(self) -> ComposeResult:
        r = self.request
        with Vertical(id="composer"):
            yield Label(r.heading, id="composer-heading", markup=False)
            if r.kind != "reply":
                yield Input(r.title, placeholder="Title (optional)", id="title")
            yield TextArea(r.body, id="body", soft_wrap=True, show_line_numbers=False,
                           language=None)
            if r.kind != "reply":
                with Horizontal(id="composer-row"):
                    yield Input(" ".join(r.tags), placeholder="tags, space separated",
                                id="tags")
                    yield Select(AUDIENCES, value=r.audience, allow_blank=False, id="audience")
            with Horizontal(id="composer-buttons"):
                yield Button("Cancel (keep draft)", id="cancel")
                yield Button("Send  ctrl+s", id="send", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()

    def current(self) -> Composed:
        title = self.query("#title")
        tags = self.query("#tags")
        audience = self.query("#audience")
        return Composed(
            title=title.first(Input).value.strip() if title else "",
            body=self.query_one("#body", TextArea).text,
            tags=tuple(t.lstrip("#") for t in tags.first(Input).value.split()) if tags else (),
            audience=str(audience.first(Select).value) if audience else self.request.audience)

    def _changed(self) -> None:
        if self.save_draft is not None:
            self.save_draft(self.request.key, self.current())

    def on_text_area_changed(self) -> None:
        self._changed()

    def on_input_changed(self) -> None:
        self._changed()

    def on_select_changed(self) -> None:
        self._changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_close()

    def action_send(self) -> None:
        composed = self.current()
        if not composed.body.strip() and not composed.title.strip():
            self.notify("Nothing to send yet.", severity="warning")
            return
        self.dismiss(composed)

    def action_close(self) -> None:
        self._changed()
        self.dismiss(None)

    def action_editor(self) -> None:
        area = self.query_one("#body", TextArea)
        with self.app.suspend():
            area.text = edit_in_editor(area.text)
        self._changed()
