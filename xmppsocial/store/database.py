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
        try:
            if path.parent == paths.data_dir():
                paths.private_dir(path.parent)  # ours: tightened even if made by an older release
            if not path.exists():
                # Created 0600 before SQLite sees it: SQLite gives -wal/-shm the same mode.
                paths.private_file(path)
            _check_header(path)
        except OSError as exc:
            raise StoreError(f"{path}: cannot be opened: {exc.strerror or exc}") from None
        version = _read_version(path)
        if version > VERSION:
            raise SchemaTooNewError(f"{path}: written by a newer xmppsocial (schema {version}, "
                                    f"this version knows {VERSION}); it was left untouched")
    try:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable database ({exc}); it was left untouched") from None
    if version > VERSION:  # upgraded by a newer xmppsocial since the look above
        db.close()
        raise SchemaTooNewError(f"{path}: written by a newer xmppsocial (schema {version}, "
                                f"this version knows {VERSION})")
    try:
        # WAL: readers never wait for the writer. NORMAL: a commit survives the process being
        # killed (drafts are saved on every keystroke, an fsync each would be too slow); a
        # power cut can lose the last commits but cannot corrupt the file.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        _migrate(db, version)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(f"{path}: damaged database ({exc})") from None
    if not memory:
        # A cache copied in or made by an older release may be readable by others.
        for candidate in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            if candidate.exists():
                os.chmod(candidate, 0o600)
    return db


def _read_version(path: Path) -> int:
    """The schema version, read without changing anything.

    A read-write connection would checkpoint a leftover WAL into the file when closed;
    a read-only one cannot. The only trace is the WAL index (-shm), removed again when
    this look created it.
    """
    shm = Path(f"{path}-shm")
    had_shm = shm.exists()
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return look.execute("PRAGMA user_version").fetchone()[0]
        finally:
            look.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable database ({exc}); it was left untouched") from None
    finally:
        if not had_shm:
            shm.unlink(missing_ok=True)


def _check_header(path: Path) -> None:
    # A file that is not a database is refused before SQLite is given a chance to write to it.
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
