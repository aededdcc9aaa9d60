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
    return platformdirs.user_config_path(APP)


def data_dir() -> Path:
    return platformdirs.user_data_path(APP)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP)


def config_file() -> Path:
    return config_dir() / "config.toml"


def database_file() -> Path:
    return data_dir() / "xmppsocial.sqlite3"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it readable by the user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists with mode 0600, its directory 0700; contents untouched."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace a file's contents atomically, never letting it be readable by others."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    os.chmod(path, 0o600)
