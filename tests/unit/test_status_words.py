"""What the status line says, and what of it survives at 80 columns."""

from __future__ import annotations

from xmppsocial.model import ConnectionState
from xmppsocial.status_words import Part, connection_words, fit, in_words


def test_socket_errors_are_said_in_words() -> None:
    assert in_words("[Errno 111] Connect call failed ('127.0.0.1', 5222); reconnecting") \
        == "nothing answers (connection refused): is the server running?"
    assert "Errno" not in in_words("[Errno 104] Connection reset by peer")


def test_the_state_says_the_countdown_and_the_step() -> None:
    assert connection_words(ConnectionState.OFFLINE, retry_at=112.2, step="",
                            now=100.0) == "offline · retry in 13 s"
    assert connection_words(ConnectionState.OFFLINE, retry_at=99.0, step="",
                            now=100.0) == "offline · retrying"
    assert connection_words(ConnectionState.ONLINE, retry_at=None, step="catching up",
                            now=0.0) == "online · catching up"


def line(parts: list[Part]) -> str:
    return "  ".join(p.text for p in parts)


def test_at_80_columns_the_state_and_the_pending_count_stay() -> None:
    parts = [Part("● offline · retry in 59 s", rank=0),
             Part("(nothing answers (connection refused): is the server running?)",
                  rank=5, elastic=True),
             Part("someone-with-a-long-name@a-long-server.example.org", rank=6),
             Part("12,345 unread", rank=2), Part("3 waiting to send", rank=1),
             Part("1 failed (O)", rank=1)]
    kept = fit(parts, 80)
    shown = line(kept)
    assert len(shown) <= 80
    assert shown.startswith("● offline · retry in 59 s")
    assert "3 waiting to send" in shown and "1 failed (O)" in shown
    assert "a-long-server" not in shown  # the account goes first
    assert line(fit(parts, 200)) == line(parts)  # with room, everything is said


def test_a_line_too_narrow_for_the_state_alone_is_cut_not_wrapped() -> None:
    (part,) = fit([Part("● offline · retry in 59 s", rank=0), Part("9 unread", rank=2)], 12)
    assert len(part.text) <= 12 and part.text.endswith("…")
