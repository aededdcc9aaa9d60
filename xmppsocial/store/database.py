"""Opening the cache: checked read-only first, then WAL, private files, forward migrations.

Nothing is written to a file before it has been looked at without a writer: its
header, its schema version (a newer one is refused) and a bounded integrity check. A file refused for any of these is left byte for byte as it was, with
no ``-wal`` or ``-shm`` made beside it, and the message says where it is and what to do.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

from xmppsocial import paths
from xmppsocial.store.schema import MIGRATIONS, VERSION

log = logging.getLogger(__name__)

# The check reads every page: about 0.3 s for 150 MB (30,000 posts) here. Past this budget
# the rest is trusted (damage found later is caught while running, see guard.py).
CHECK_BUDGET = 3.0


class StoreError(RuntimeError):
    """The cache cannot be used; the message says why, names the file and what to do."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer version of xmppsocial."""


class CacheDamaged(StoreError):
    """The file is not a usable database (damaged, or not ours)."""


def move_aside(path: Path | str) -> str:
    return (f"move it aside (for example: mv '{path}' '{path}.damaged') and xmppsocial "
            "starts a new cache, reading your feeds again from the network")


def damaged(path: Path | str, detail: str) -> CacheDamaged:
    return CacheDamaged(f"{path}: the cache is damaged ({detail}); it was left untouched: "
                        f"{move_aside(path)}")


def too_new(path: Path | str, version: int) -> SchemaTooNewError:
    return SchemaTooNewError(
        f"{path}: written by a newer xmppsocial (schema {version}, this version knows "
        f"{VERSION}); it was left untouched: use the newer xmppsocial, or {move_aside(path)}")


def connect(path: Path | str, *, budget: float = CHECK_BUDGET) -> sqlite3.Connection:
    """Open (creating if needed), check and migrate the database at ``path``
    (``budget`` 0: unchecked, for benchmarks that measure what the check costs)."""
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
            empty = path.stat().st_size == 0
        except OSError as exc:
            raise StoreError(f"{path}: cannot be opened: {exc.strerror or exc}") from None
        if not empty and budget > 0:
            inspect(path, budget)
    try:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None
    if version > VERSION:  # upgraded by a newer xmppsocial since the look above
        db.close()
        raise too_new(path, version)
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
        raise StoreError(f"{path}: damaged database ({exc}); {move_aside(path)}") from None
    if not memory:
        # A cache copied in or made by an older release may be readable by others.
        for candidate in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            if candidate.exists():
                os.chmod(candidate, 0o600)
    return db


def copy_in_memory(path: Path | str) -> sqlite3.Connection:
    """A private in-memory copy of the cache at ``path`` (checked first, never written):
    a second instance reads it while the first one owns the file."""
    path = Path(path)
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    if path.is_file() and path.stat().st_size:
        inspect(path)
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                source.backup(db)
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise damaged(path, str(exc)) from None
    db.execute("PRAGMA foreign_keys = ON")
    _migrate(db, db.execute("PRAGMA user_version").fetchone()[0])
    return db


def inspect(path: Path, budget: float = CHECK_BUDGET) -> int:
    """Check the file without writing to it; returns its schema version.

    Raises:
        SchemaTooNewError: a newer xmppsocial wrote it.
        CacheDamaged: it is not a usable database, or the check found damage.

    Without a -wal or -shm nobody has the file open in WAL mode, so it is read as
    immutable (SQLite then creates nothing beside it). Otherwise the WAL may hold
    committed pages: it is read too, and a -shm this look had to make is removed.
    """
    companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    existed = [c.exists() for c in companions]
    query = "mode=ro" if any(existed) else "mode=ro&immutable=1"
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True)
        try:
            version = look.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise too_new(path, version)
            problem = _check(look, budget)
        finally:
            look.close()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None
    finally:
        for companion, was_there in zip(companions, existed, strict=True):
            if not was_there:
                companion.unlink(missing_ok=True)
    if problem:
        raise damaged(path, problem)
    return version


def _check(db: sqlite3.Connection, budget: float) -> str | None:
    """The first problems the check reports, or None; stopped (and trusted) past
    ``budget`` seconds, so a huge cache does not hold up the start.

    ``integrity_check`` rather than ``quick_check``: damage inside a row's bytes leaves
    the b-tree whole, and only the cross-check against the indexes finds it, for about
    a third more time.
    """
    started = time.monotonic()
    deadline = started + budget
    db.set_progress_handler(lambda: int(time.monotonic() > deadline), 20_000)
    try:
        rows = db.execute("PRAGMA integrity_check(3)").fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
        log.info("cache check stopped after %.1f s (a big cache): the rest is trusted", budget)
        return None
    finally:
        db.set_progress_handler(None, 0)
    log.info("cache checked in %.2f s", time.monotonic() - started)
    results = [row[0] for row in rows]
    if results == ["ok"]:
        return None
    # One line for people: SQLite's report spans lines and opens with a banner.
    lines = [line.strip() for result in results for line in result.splitlines()
             if line.strip() and not line.startswith("***")]
    return "; ".join(lines[:2])[:300]


def _check_header(path: Path) -> None:
    # A file that is not a database is refused before SQLite is given a chance to write to it.
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise damaged(path, "not an SQLite database")


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
