"""The bottom line: connection state, unread count, and what the app is doing.

What it says, and what of it fits the width, is decided in xmppsocial.status_words.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from xmppsocial.content.sanitize import clean_line
from xmppsocial.model import ConnectionState
from xmppsocial.status_words import Part, connection_words, fit, in_words

STATE_STYLE = {
    ConnectionState.ONLINE: "bold green",
    ConnectionState.CONNECTING: "bold yellow",
    ConnectionState.OFFLINE: "bold red",
    ConnectionState.AUTH_FAILED: "bold red",
    ConnectionState.CERT_REJECTED: "bold red",
    ConnectionState.UNREACHABLE: "bold red",
}


class StatusLine(Widget):
    """One line, drawn from plain values; server text is shown as text, never markup."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; padding: 0 1; }
    """

    state: reactive[ConnectionState] = reactive(ConnectionState.OFFLINE)
    reason: reactive[str] = reactive("")
    unread: reactive[int] = reactive(0)
    account: reactive[str] = reactive("")
    insecure: reactive[bool] = reactive(False)
    pending: reactive[int] = reactive(0)

    # Issue 17: the reconnect countdown, the after-connect step, failed outbox items and
    # a read-only cache (another instance writes it).
    retry_at: reactive[float | None] = reactive(None)
    step: reactive[str] = reactive("")
    failed: reactive[int] = reactive(0)
    read_only: reactive[bool] = reactive(False)
    notifications: reactive[int] = reactive(0)  # unread ones (N lists them)
    wall = staticmethod(time.time)  # tests give a fixed clock

    def parts(self) -> list[Part]:
        """Everything the line could say, ranked for fitting (0 always stays)."""
        state = connection_words(self.state, retry_at=self.retry_at, step=self.step,
                                 now=self.wall())
        out = [Part(f"● {state}", STATE_STYLE[self.state], 0)]
        reason = in_words(clean_line(self.reason, 200)) if self.reason else ""
        if reason and not (self.state is ConnectionState.ONLINE and reason == "resumed"):
            out.append(Part(f"({reason})", "dim", 5, elastic=True))
        if self.account:
            out.append(Part(self.account, "", 6))
        if self.insecure:
            out.append(Part("certificate NOT verified", "bold red", 3))
        if self.read_only:
            out.append(Part("read-only", "bold yellow", 3))
        out.append(Part(f"{self.unread} unread", "bold" if self.unread else "dim", 2))
        if self.notifications:
            count = self.notifications
            out.append(Part(f"{count} notification{'s' * (count > 1)} (N)", "bold magenta", 2))
        if self.pending:
            out.append(Part(f"{self.pending} waiting to send", "yellow", 1))
        if self.failed:
            out.append(Part(f"{self.failed} failed (O)", "bold red", 1))
        return out

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, part in enumerate(fit(self.parts(), max(self.content_size.width, 20))):
            if n:
                text.append("  ")
            text.append(part.text, part.style)
        return text
