"""The log: a rotating file in the platform log directory, private, never holding secrets.

At the default level it records connection states, errors and timings, never post
bodies (none of our INFO messages carry one, and slixmpp is kept to warnings).
``--debug`` adds slixmpp's stanza trace, with credentials (SASL exchanges, in-band
registration passwords, and any password the program was given) replaced by
``[redacted]``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from xmppsocial import paths

LOG_NAME = "xmppsocial.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("asyncio", "markdown_it")  # only their warnings

_SASL = re.compile(r"(<(auth|response|challenge|success)\b[^>]*>)(.*?)(</\2>)", re.S)
_PASSWORD = re.compile(r"(<password\b[^>]*>)(.*?)(</password>)", re.S)
_secrets: set[str] = set()


def redact(secret: str) -> None:
    """Never let ``secret`` (a password) reach the log, whatever logs it."""
    if secret:
        _secrets.add(secret)


def scrub(text: str) -> str:
    text = _SASL.sub(lambda m: f"{m.group(1)}[redacted]{m.group(4)}", text)
    text = _PASSWORD.sub(lambda m: f"{m.group(1)}[redacted]{m.group(3)}", text)
    for secret in _secrets:
        text = text.replace(secret, "[redacted]")
    return text


class Redacting(logging.Filter):
    """Formats each record once and scrubs credentials out of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Rotating log files created 0600, whatever the umask."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup(debug: bool = False) -> Path | None:
    """Send the program's logging to the rotating file; returns its path, or None when
    the log directory cannot be made (the program runs on, without a log)."""
    try:
        directory = paths.private_dir(paths.log_dir())
        handler = PrivateRotatingHandler(directory / LOG_NAME, maxBytes=MAX_BYTES,
                                         backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        # No log this time; and no warnings on the terminal the TUI draws on either.
        logging.getLogger().addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redacting())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, PrivateRotatingHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # slixmpp's own INFO lines are noise; its DEBUG lines are the stanza trace.
    logging.getLogger("slixmpp").setLevel(logging.DEBUG if debug else logging.WARNING)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return Path(handler.baseFilename)
