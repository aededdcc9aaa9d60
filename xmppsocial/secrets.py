"""Finding an account's password without ever writing it to a file.

Order: the XMPPSOCIAL_PASSWORD variable (scripts, tests), the OS keyring when
the optional ``keyring`` package has a usable backend, the account's
``password_command`` (run without a shell), then a prompt supplied by the
caller (the TUI's dialog or the terminal).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable

from xmppsocial.config import Account

SERVICE = "xmppsocial"
ENV = "XMPPSOCIAL_PASSWORD"


class PasswordUnavailable(RuntimeError):
    """No source could give a password; the message says what was tried."""


def _keyring():  # type: ignore[no-untyped-def]
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - any import failure means "no keyring here"
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:  # noqa: BLE001
        return None
    return keyring


def from_keyring(jid: str) -> str | None:
    backend = _keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, jid)
    except Exception:  # noqa: BLE001 - a locked or broken keyring is "no password here"
        return None


def remember(jid: str, password: str) -> bool:
    """Store the password in the OS keyring; False when there is none (nothing is written)."""
    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, jid, password)
    except Exception:  # noqa: BLE001
        return False
    return True


def run_password_command(command: str, timeout: float = 30.0) -> str:
    """The first line a password command prints. Run as a list of arguments, no shell."""
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise PasswordUnavailable(f"password_command failed: {exc}") from None
    if done.returncode != 0:
        raise PasswordUnavailable(f"password_command exited with {done.returncode}")
    line = done.stdout.split("\n", 1)[0]
    if not line:
        raise PasswordUnavailable("password_command printed nothing")
    return line


def get_password(account: Account, prompt: Callable[[str], str | None] | None = None) -> str:
    env = os.environ.get(ENV)
    if env:
        return env
    stored = from_keyring(account.jid)
    if stored:
        return stored
    if account.password_command:
        return run_password_command(account.password_command)
    if prompt is not None:
        answer = prompt(account.jid)
        if answer:
            return answer
    raise PasswordUnavailable(f"no password for {account.jid}: set {ENV}, store it in the "
                              "keyring, or configure password_command")
