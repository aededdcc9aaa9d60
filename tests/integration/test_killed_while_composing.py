"""The real program in a real pseudo-terminal, killed with SIGKILL while composing:
the draft is there when it starts again."""

from __future__ import annotations

import os
import pty
import signal
import sys
import time
from pathlib import Path

from xmppsocial.store import Store


def spawn(env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real entry point, as a user starts it
        os.execve(sys.executable, [sys.executable, "-m", "xmppsocial"], env)
    return pid, fd


def drain(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    """Read what the program draws (so it never blocks on a full terminal), for ``seconds``
    or until ``until`` shows up."""
    import re
    import select

    def seen() -> bool:  # words are drawn between escape sequences: compare letters only
        letters = re.sub(rb"[^A-Za-z]", b"", re.sub(rb"\x1b\[[0-9;?>$]*[A-Za-z]", b"", out))
        return until is not None and re.sub(rb"[^A-Za-z]", b"", until) in letters

    out, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline and not seen():
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def first_run_cache(home: Path) -> Path:
    """The cache used before any account is configured (paths.database_file(None)), under
    the XDG data directory these runs use; the first account takes it over later."""
    from xmppsocial import paths

    unassigned = paths.database_file(None).relative_to(paths.data_dir())
    return home / "xdg_data_home" / "xmppsocial" / unassigned


def test_draft_survives_sigkill(tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30",
           **{v: str(tmp_path / v.lower()) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                      "XDG_CACHE_HOME", "XDG_STATE_HOME")}}
    env.pop("XMPPSOCIAL_PASSWORD", None)
    pid, fd = spawn(env)
    try:
        drain(fd, 15.0, until=b"Connect")  # no account yet: the account screen
        drain(fd, 0.5)
        os.write(fd, b"\x1b")  # stay offline
        drain(fd, 1.0)
        os.write(fd, b"n")
        drain(fd, 1.0)
        os.write(fd, b"Words I must not lose")
        drain(fd, 1.0)  # the draft is written as the text changes
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    store = Store(first_run_cache(tmp_path))
    try:
        assert store.draft("new").body == "Words I must not lose"
    finally:
        store.close()
    # started again, the composer opens with the words in it
    pid, fd = spawn(env)
    try:
        drain(fd, 15.0, until=b"Connect")
        drain(fd, 0.5)
        os.write(fd, b"\x1b")
        drain(fd, 1.0)
        os.write(fd, b"n")
        screen = drain(fd, 5.0, until=b"must not lose")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"Words I must not lose" in screen


def test_a_corrupt_cache_is_left_alone_and_the_tui_says_so(tmp_path: Path) -> None:
    """In the TUI as in the CLI: one line naming the file and what to do, exit 5, and
    nothing written to the file or beside it (it used to run on and exit 0)."""
    import hashlib

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "30",
           **{v: str(tmp_path / v.lower()) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                      "XDG_CACHE_HOME", "XDG_STATE_HOME")}}
    env.pop("XMPPSOCIAL_PASSWORD", None)
    cache = first_run_cache(tmp_path)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"my precious posts, not a database" * 50)
    before = hashlib.sha256(cache.read_bytes()).hexdigest()
    pid, fd = spawn(env)
    try:
        screen = drain(fd, 30.0, until=b"move it aside")
        screen += drain(fd, 0.5)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = screen.decode(errors="replace")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 5
    assert f"xmppsocial: {cache}: the cache is damaged" in text and "move it aside" in text
    assert "Traceback" not in text
    assert hashlib.sha256(cache.read_bytes()).hexdigest() == before
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]
