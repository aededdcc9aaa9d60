"""Requests in flight on one client, tied to the session they were sent on.

slixmpp keeps an unanswered request waiting for its timeout even when the stream it
went out on is gone, and holds stanzas sent while disconnected for the next session.
Here a request is refused at once without a session, and ends as soon as its session
is lost for good (a stream that can still be resumed keeps it: XEP-0198 sends it
again). When the server closes the stream because a stanza was too big (Prosody says
policy-violation), the biggest request in flight is the one refused, in words; the
others only lost their connection and may be sent again.
"""

from __future__ import annotations

import asyncio
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from xmppsocial.xmpp.iq import ServiceError
from xmppsocial.xmpp.refusals import Refused, too_big

log = logging.getLogger(__name__)

STANZA_ERRORS = "urn:xmpp:errors"


def stream_said_too_big(condition: str, text: str, children: list[str]) -> bool:
    """Whether a stream error means "that stanza was too big" (Prosody, ejabberd)."""
    lowered = text.lower()
    return ("stanza-too-big" in children
            or (condition == "policy-violation" and ("too big" in lowered
                                                      or "too large" in lowered)))


class Requests:
    """The pending requests of one client and the state of its session."""

    def __init__(self) -> None:
        self.session_alive = False
        self.too_big: int | None = None  # the smallest size a server closed the stream for
        self.on_timeout: Callable[[], None] = lambda: None
        self._lost: asyncio.Future[tuple[str | None, ServiceError]] | None = None
        self._pending: dict[str, ET.Element] = {}

    # ------------------------------------------------------------------ session
    def started(self) -> None:
        """A new session (or a resumed one): requests may go out."""
        if self._lost is None or self._lost.done():
            self._lost = asyncio.get_running_loop().create_future()
        self.session_alive = True

    def paused(self) -> None:
        """Disconnected; the session may still be resumed."""
        self.session_alive = False

    def lost(self, stream_error: tuple[str, str, list[str]] | None = None) -> None:
        """The session is gone for good: every request still waiting ends now."""
        self.session_alive = False
        lost, self._lost = self._lost, None
        if lost is None or lost.done():
            return
        culprit: str | None = None
        error: ServiceError = ServiceError("connection-lost")
        if stream_error is not None and stream_said_too_big(*stream_error) and self._pending:
            culprit, payload = max(self._pending.items(), key=lambda kv: _size(kv[1]))
            size = _size(payload)
            self.too_big = min(self.too_big or size, size)
            error = too_big(size, "the server closed the connection: "
                                  f"{stream_error[1] or stream_error[0]}")
            log.warning("the server closed the stream over a %d-byte request", size)
        lost.set_result((culprit, error))

    # ------------------------------------------------------------------ requests
    def check(self, payload: ET.Element) -> None:
        """Before sending: refuse now rather than send into nothing or into a known limit."""
        if not self.session_alive:
            raise ServiceError("offline", text="not connected")
        if self.too_big is not None:
            size = _size(payload)
            if size >= self.too_big:
                raise too_big(size, f"a {self.too_big}-byte request closed this server's "
                                    "connection before")

    async def wait(self, iq_id: str, payload: ET.Element, reply: asyncio.Future[Any]) -> Any:
        """The reply, or the loss of the session, whichever comes first."""
        lost = self._lost
        if lost is None:
            return await reply
        self._pending[iq_id] = payload
        try:
            await asyncio.wait({reply, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._pending.pop(iq_id, None)
        if reply.done():
            return reply.result()
        reply.cancel()
        culprit, error = lost.result()
        if iq_id == culprit:
            raise error
        raise ServiceError("connection-lost")

    def timed_out(self) -> None:
        """A request went unanswered: maybe the path is dead; let the owner check."""
        self.on_timeout()


def _size(payload: ET.Element) -> int:
    return len(ET.tostring(payload, encoding="utf-8"))


__all__ = ["Refused", "Requests", "STANZA_ERRORS", "stream_said_too_big"]
