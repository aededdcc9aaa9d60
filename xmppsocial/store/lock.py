"""One writer per cache: an advisory lock file beside it, held while the process runs.

Two instances writing one cache overwrite each other's drafts and would both send
the outbox. The first to take the lock writes; a second one learns who holds it
(the lock file names the process) and opens a read-only copy instead, saying so.
The lock is a ``flock``: the kernel releases it when its holder exits, even by a kill.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from xmppsocial import paths

try:
    import fcntl
except ImportError:  # not POSIX: no locking, as before (said in the README)
    fcntl = None  # type: ignore[assignment]


class CacheLock:
    """The lock of the cache at ``cache`` (the file ``CACHE.lock``)."""

    def __init__(self, cache: Path) -> None:
        self.path = Path(f"{cache}.lock")
        self._fd: int | None = None
        self._created = False

    def acquire(self, role: str) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        if fcntl is None:
            return True
        paths.make_dirs(self.path.parent)
        self._created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.fchmod(fd, 0o600)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "role": role,
                                 "since": time.time()}).encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """Who holds it, for people: "the TUI (pid 4242, since 10:02)"."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        role = {"tui": "the TUI", "cli": "a command"}.get(str(info.get("role")), "another")
        since = info.get("since")
        when = f", since {time.strftime('%H:%M', time.localtime(since))}" \
            if isinstance(since, int | float) else ""
        pid = info.get("pid")
        return f"{role} (pid {pid}{when})" if pid else role

    def release(self, *, remove: bool = False) -> None:
        """Let go; ``remove`` deletes the lock file when this lock created it (after a
        refusal, nothing new is left beside the cache)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if remove and self._created:
            self.path.unlink(missing_ok=True)
        else:
            os.ftruncate(fd, 0)
        os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None
