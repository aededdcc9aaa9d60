"""Where xmppsocial keeps its files, through platformdirs (XDG on Linux).

Nothing is created when this module is imported; directories are made on
first use, private to the user (0700), and files the app writes are 0600.
Setting the XDG_* variables moves everything, which tests rely on.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def database_file() -> Path:
    """The SQLite cache: posts, read state, drafts, outbox."""
    return data_dir() / "xmppsocial.sqlite3"


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
