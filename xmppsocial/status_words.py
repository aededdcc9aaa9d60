"""What the status line says, and what of it fits: pure, so that 80 columns can be tested
without a terminal.

The line is a row of parts, each with a rank: when the width runs out, the parts of the
highest rank go first (the connection state is rank 0 and always stays; then what waits
to be sent; then unread; the rest is cut). One part may be elastic (the reason of the
last failure): it takes what room is left, shortened, rather than pushing out the rest.
"""

from __future__ import annotations

import errno
import math
import os
import re
from dataclasses import dataclass

from xmppsocial.model import ConnectionState

# "[Errno 111] Connect call failed ('127.0.0.1', 5222)" and its kin: what asyncio and
# the socket module say, which no person should have to read.
_ERRNO = re.compile(r"\[Errno (-?\d+)\][^;]*")
_WORDS = {
    errno.ECONNREFUSED: "nothing answers (connection refused): is the server running?",
    errno.ECONNRESET: "the server closed the connection",
    errno.EHOSTUNREACH: "the server's network cannot be reached",
    errno.ENETUNREACH: "no network",
    errno.ETIMEDOUT: "no answer (timed out)",
}
_RECONNECTING = "; reconnecting"
MIN_ELASTIC = 12  # a reason shorter than this says nothing: drop it instead


def in_words(reason: str) -> str:
    """A connection failure's reason as a person reads it: raw socket errors replaced by
    what they mean, the "; reconnecting" the countdown already says left out."""
    def words(match: re.Match[str]) -> str:
        code = int(match.group(1))
        return _WORDS.get(code) or os.strerror(code).lower()

    text = _ERRNO.sub(words, reason).strip()
    if text.endswith(_RECONNECTING):
        text = text[: -len(_RECONNECTING)]
    return " ".join(text.split())


def connection_words(state: ConnectionState, *, retry_at: float | None, step: str,
                     now: float) -> str:
    """The state part: "online", "online · catching up", "offline · retry in 12 s"."""
    words = state.value
    if state is ConnectionState.ONLINE and step:
        return f"{words} · {step}"
    if retry_at is not None and state is not ConnectionState.ONLINE:
        left = math.ceil(retry_at - now)
        return f"{words} · retry in {left} s" if left > 0 else f"{words} · retrying"
    return words


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of the line: its text, its style, its rank (0 never goes)."""

    text: str
    style: str = ""
    rank: int = 9
    elastic: bool = False


SEPARATOR = "  "


def fit(parts: list[Part], width: int) -> list[Part]:
    """The parts that fit in ``width`` columns, in their order, highest ranks dropped
    first; an elastic part is shortened (with "…") to the room left, or dropped."""
    kept = list(parts)
    for part in sorted(parts, key=lambda p: p.rank, reverse=True):
        if _needed(kept, MIN_ELASTIC) <= width:
            break
        if part.rank:
            kept.remove(part)
    room = width - _needed([p for p in kept if not p.elastic], 0)
    out = []
    for part in kept:
        if part.elastic:
            room -= len(SEPARATOR)
            if room < MIN_ELASTIC:
                continue
            if len(part.text) > room:
                part = Part(part.text[: room - 1] + "…", part.style, part.rank, True)
            room -= len(part.text)
        out.append(part)
    if out and _needed(out, 0) > width:  # rank 0 alone wider than the line: cut, not wrap
        last = out[-1]
        over = _needed(out, 0) - width
        out[-1] = Part(last.text[: max(len(last.text) - over - 1, 0)] + "…", last.style,
                       last.rank)
    return out


def _needed(parts: list[Part], elastic: int) -> int:
    """Columns ``parts`` take, an elastic part counted as ``elastic`` columns."""
    text = sum(elastic if p.elastic else len(p.text) for p in parts)
    return text + len(SEPARATOR) * max(len(parts) - 1, 0)
