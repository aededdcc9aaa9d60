"""The connection as the status line shows it: the countdown to the next attempt, the
step after connecting, and the outbox's counts; plus the "retry now" command.

The service reports these as events (ReconnectScheduled, SessionStep, OutboxFailed)
that change nothing in the cache, so the applier passes over them; the app hands each
batch here as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from xmppsocial.events import ConnectionChanged, OutboxFailed, ReconnectScheduled, SessionStep
from xmppsocial.model import ConnectionState

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp
    from xmppsocial.ui.widgets.status_line import StatusLine


def show(app: XmppSocialApp, status: StatusLine, events: Iterable[object]) -> None:
    """Put what ``events`` say about the connection on the status line, in order."""
    for event in events:
        if isinstance(event, ReconnectScheduled):
            status.retry_at = event.at
            if event.reason and not status.reason:
                status.reason = event.reason
        elif isinstance(event, ConnectionChanged):
            if event.state in (ConnectionState.ONLINE, ConnectionState.CONNECTING):
                status.retry_at = None  # an attempt is under way, or it worked
            if event.state is not ConnectionState.ONLINE:
                status.step = ""
        elif isinstance(event, SessionStep):
            status.step = event.name
        elif isinstance(event, OutboxFailed):
            app.notify(f"Not sent: {event.reason}. O opens the outbox (retry, edit or "
                       "discard it).", title="Outbox", severity="error", timeout=12)


def refresh(app: XmppSocialApp, status: StatusLine) -> None:
    """Counts read from the cache, and the countdown moved on (called every second)."""
    items = app.store.outbox()
    status.pending = sum(1 for item in items if not item.failed)
    status.failed = sum(1 for item in items if item.failed)
    status.read_only = not getattr(app.store, "writer", True)
    if status.retry_at is not None:
        status.refresh()


def retry_now(app: XmppSocialApp) -> None:
    """Try to connect at once instead of waiting out the backoff (or after a wrong
    password or certificate, once the settings are fixed)."""
    service = app.need_service()
    if service is None:
        return
    if service.state is ConnectionState.ONLINE:
        app.notify("Already online.")
        return
    service.retry_now()
    app.status.retry_at = None
    app.status.state = ConnectionState.CONNECTING
    app.status.reason = ""
