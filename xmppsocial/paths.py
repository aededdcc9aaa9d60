"""Where xmppsocial keeps its files, through platformdirs (XDG on Linux).

Nothing is created when this module is imported; directories are made on
first use, private to the user (0700), and files the app writes are 0600.
Setting the XDG_* variables moves everything, which tests rely on.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import platformdirs

APP = "xmppsocial"


def config_dir() -> Path:
    """The configuration directory ($XDG_CONFIG_HOME/xmppsocial)."""
    return platformdirs.user_config_path(APP)


def data_dir() -> Path:
    """Where the cache database lives ($XDG_DATA_HOME/xmppsocial)."""
    return platformdirs.user_data_path(APP)


def cache_dir() -> Path:
    """Disposable downloads ($XDG_CACHE_HOME/xmppsocial)."""
    return platformdirs.user_cache_path(APP)


def log_dir() -> Path:
    """Logs ($XDG_STATE_HOME/xmppsocial/log)."""
    return platformdirs.user_log_path(APP)


def config_file() -> Path:
    """The TOML configuration file."""
    return config_dir() / "config.toml"


def database_file(jid: str | None = None) -> Path:
    """The SQLite cache of one account: posts, follows, read state, drafts, outbox,
    notifications. Each account has its own, so nothing of one shows under another.

    Without a JID (no account configured yet) this is the cache the app used before
    caches were per account; the first account to open its own cache takes it over
    (store/account_files.py).
    """
    if jid is None:
        return data_dir() / SHARED_CACHE
    return data_dir() / "accounts" / account_dirname(jid) / SHARED_CACHE


SHARED_CACHE = "xmppsocial.sqlite3"


def account_dirname(jid: str) -> str:
    """A file name standing for one bare JID: lower-cased (JIDs compare without case),
    anything but letters, digits and ``@._+-`` percent-encoded, and a leading dot
    encoded too, so no JID can name ``..`` or a hidden file."""
    name = quote(jid.strip().lower(), safe="@._+-")
    return "%2E" + name[1:] if name.startswith(".") else name


def private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it readable by the user only (one of our own
    directories: an existing one is tightened too)."""
    make_dirs(path)
    os.chmod(path, 0o700)
    return path


def make_dirs(path: Path) -> Path:
    """Create the missing directories of ``path``, each 0700 whatever the umask
    (``mkdir(parents=True)`` would give parents the umask's mode); existing ones are the
    user's and left as they are."""
    missing = []
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another process: still ours to tighten
            pass
        os.chmod(directory, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists with mode 0600 (missing directories 0700); contents
    untouched."""
    make_dirs(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace a file's contents atomically, never letting it be readable by others.

    Missing directories are created 0700; an existing directory (say, where the user
    exports a feed) keeps its mode.
    """
    make_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a leftover temporary may have had another mode
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
