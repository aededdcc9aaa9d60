"""The bottom line: connection state, unread count, and what the app is doing."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from xmppsocial.content.sanitize import clean_line
from xmppsocial.model import ConnectionState

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
    notifications: reactive[int] = reactive(0)  # unread ones (N lists them)

    def render(self) -> Text:
        text = Text()
        text.append(f"● {self.state.value}", STATE_STYLE[self.state])
        if self.reason:
            text.append(f" ({clean_line(self.reason, 80)})", "dim")
        if self.account:
            text.append(f"  {self.account}")
        if self.insecure:
            text.append("  certificate NOT verified", "bold red")
        text.append(f"  {self.unread} unread", "bold" if self.unread else "dim")
        if self.notifications:
            count = self.notifications
            text.append(f"  {count} notification{'s' * (count > 1)}", "bold magenta")
        if self.pending:
            text.append(f"  {self.pending} waiting to send", "yellow")
        return text
