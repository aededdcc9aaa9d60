"""The composer: title, Markdown body, tags, where it goes; new post, reply or edit.

Every change is saved as a draft under the composer's key, so escape, a
crash or a failed publish never loses what was typed. Send, close and
$EDITOR wait for the keys typed before them: a terminal delivers a burst of
typing as one read, and these keys would otherwise act before the text they
follow has reached the field.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from xmppsocial.ui.bindings import key_binding

# Who reads a post is the setting of its blog, not of the post (issue 18): the composer
# says it and the own-blog view changes it.
AUDIENCE_WORDS = {"open": "public", "presence": "your contacts",
                  "": "your blog's setting"}


@dataclass(frozen=True, slots=True)
class Composed:
    """What the user asked to send."""

    title: str
    body: str
    tags: tuple[str, ...]
    audience: str = ""  # kept for drafts of older releases; the blog's setting decides
    target: str = ""  # another blog or pubsub node (JID or xmpp: URI); "" is my blog


@dataclass(frozen=True, slots=True)
class ComposeRequest:
    """Why the composer opens: ``kind`` is new, reply or edit; ``key`` names its draft."""

    kind: str
    key: str
    heading: str
    title: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    audience: str = ""  # my blog's access model, as the cache knows it ("" not known)
    target: str = ""


def editor_command(preferred: str | None = None) -> list[str]:
    """``[preferences] editor``, else $VISUAL, $EDITOR, then vi."""
    editor = preferred or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


def edit_in_editor(text: str, run: Callable[[list[str]], object] = subprocess.call,
                   editor: str | None = None) -> str:
    """Edit ``text`` in $EDITOR: no shell, a private temporary file removed afterwards."""
    fd, path = tempfile.mkstemp(prefix="xmppsocial-", suffix=".md")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        run([*editor_command(editor), path])
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
    #audience { color: $text-muted; }
    """
    BINDINGS = [
        key_binding("send", "send", priority=True, show=True),
        key_binding("close", "close", priority=True, show=True),
        key_binding("editor", "editor", priority=True, show=True),
        key_binding("target", "target", priority=True),
    ]

    def __init__(self, request: ComposeRequest,
                 save_draft: Callable[[str, Composed], None] | None = None,
                 editor: str | None = None) -> None:
        super().__init__()
        self.request = request
        self.save_draft = save_draft
        self.editor = editor

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
                target = Input(r.target, id="target",
                               placeholder="post to: a JID or xmpp:service?;node=NODE "
                                           "(empty: your blog)")
                target.display = bool(r.target)
                yield target
                yield Label(self._where(r.target), id="audience", markup=False)
            with Horizontal(id="composer-buttons"):
                yield Button("Cancel (keep draft)", id="cancel")
                yield Button("Send  ctrl+s", id="send", variant="primary")

    def on_mount(self) -> None:
        area = self.query_one("#body", TextArea)
        area.focus()
        area.move_cursor(area.document.end)  # a restored draft goes on where it stopped

    def _where(self, target: str) -> str:
        if target.strip():
            return f"Posting to {target.strip()} (its own audience applies)"
        words = AUDIENCE_WORDS.get(self.request.audience, self.request.audience)
        return f"Who reads it: {words} (your blog's view changes it) · ctrl+t: post elsewhere"

    def current(self) -> Composed:
        title = self.query("#title")
        tags = self.query("#tags")
        target = self.query("#target")
        return Composed(
            title=title.first(Input).value.strip() if title else "",
            body=self.query_one("#body", TextArea).text,
            tags=tuple(t.lstrip("#") for t in tags.first(Input).value.split()) if tags else (),
            target=target.first(Input).value.strip() if target else "")

    def action_target(self) -> None:
        """Show the field that sends the post to another blog or a pubsub node."""
        found = self.query("#target")
        if found:
            field = found.first(Input)
            field.display = True
            field.focus()

    def _changed(self) -> None:
        if self.save_draft is not None:
            self.save_draft(self.request.key, self.current())

    def on_text_area_changed(self) -> None:
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "target":
            self.query_one("#audience", Label).update(self._where(event.value))
        self._changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_close()

    def _after_typing(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the keys typed before it have reached the focused field.

        These bindings take priority, so they run as soon as the app reads their key,
        while the keys before it still wait in the focused field's queue: queue behind them.
        """
        target = self.focused or self
        if not target.call_later(then):
            then()

    def action_send(self) -> None:
        self._after_typing(self._send)

    def _send(self) -> None:
        if not self.is_current:
            return
        composed = self.current()
        if not composed.body.strip() and not composed.title.strip():
            self.notify("Nothing to send yet.", severity="warning")
            return
        self._changed()  # kept as a draft until the server has it
        self.dismiss(composed)

    def action_close(self) -> None:
        self._after_typing(self._close)

    def _close(self) -> None:
        if not self.is_current:
            return
        self._changed()
        self.dismiss(None)

    def action_editor(self) -> None:
        self._after_typing(self._edit)

    def _edit(self) -> None:
        area = self.query_one("#body", TextArea)
        with self.app.suspend():
            area.text = edit_in_editor(area.text, editor=self.editor)
        area.move_cursor(area.document.end)
        self._changed()
