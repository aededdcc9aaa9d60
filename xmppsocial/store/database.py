"""Opening the cache: WAL, private files, forward migrations, clear refusals.

A database written by a newer xmppsocial, or a file that is not a database,
is refused with a message and left byte for byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from xmppsocial import paths
from xmppsocial.store.schema import MIGRATIONS, VERSION


class StoreError(RuntimeError):
    """The cache cannot be used; the message says why and names the file."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer version of xmppsocial."""


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``."""
    memory = str(path) == ":memory:"
    if not memory:
        path = Path(path)
        if not path.exists():
            paths.private_file(path)
        _check_header(path)
    try:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable database ({exc}); it was left untouched") from None
    if version > VERSION:
        db.close()
        raise SchemaTooNewError(f"{path}: written by a newer xmppsocial (schema {version}, this "
                                f"version knows {VERSION}); it was left untouched")
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        _migrate(db, version)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(f"{path}: damaged database ({exc})") from None
    if not memory:
        for suffix in ("-wal", "-shm"):
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                os.chmod(sidecar, 0o600)
    return db


def _check_header(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"{path}: not an xmppsocial database; it was left untouched")


def _migrate(db: sqlite3.Connection, version: int) -> None:
    for target in range(version, VERSION):
        # One transaction per step: a crash leaves the previous version intact.
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[target]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {target + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN…END)."""
    out, current = [], []
    for line in script.splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined and sqlite3.complete_statement(joined):
            out.append(joined)
            current = []
    return out
