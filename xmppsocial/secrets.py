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


# keyring's stand-ins when no real backend exists, or when the user turned it off.
_NO_BACKEND = ("keyring.backends.fail", "keyring.backends.null")


def _keyring():  # type: ignore[no-untyped-def]
    """The keyring module when it is installed and has a real backend, else None.

    Imported here, not at the top: keyring is optional and slow to import.
    """
    try:
        import keyring
    except Exception:  # noqa: BLE001 - any import failure means "no keyring here"
        return None
    try:
        if type(keyring.get_keyring()).__module__ in _NO_BACKEND:
            return None
    except Exception:  # noqa: BLE001 - a backend that cannot even be chosen is none
        return None
    return keyring


def from_keyring(jid: str) -> str | None:
    """The account's password from the OS keyring, or None (no keyring, locked, absent)."""
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
        # stderr says why (no such entry, wrong passphrase); stdout might hold a secret.
        why = (done.stderr.strip().splitlines() or [""])[-1][:200]
        raise PasswordUnavailable(f"password_command exited with {done.returncode}"
                                  + (f": {why}" if why else ""))
    line = done.stdout.split("\n", 1)[0].rstrip("\r")
    if not line:
        raise PasswordUnavailable("password_command printed nothing")
    return line


def get_password(account: Account, prompt: Callable[[str], str | None] | None = None) -> str:
    """The account's password from the first source that has one (see the module's docstring).

    ``prompt(jid)`` is asked last and may return None (cancelled, no terminal). Nothing
    found raises PasswordUnavailable; a failing ``password_command`` raises it too, rather
    than silently falling back to asking.
    """
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
