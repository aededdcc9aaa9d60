"""Damage found while running is caught here, once, for every query of the store.

The check at opening trusts what it had no time to read, and disks fail while the app
runs. When SQLite reports the file corrupt, the store moves to a fresh in-memory
database (keeping the feeds, drafts and outbox it can still read), stops touching the
file, tells its owner once, and runs the statement again there: the app goes on from
the network instead of crashing, and the file is left for the user to move aside.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

CORRUPTION = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
SALVAGED = ("feeds", "drafts", "outbox")


def is_corruption(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in CORRUPTION
    return isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc)


class GuardedCursor:
    """A cursor whose reads are guarded too: rows are read lazily, and damage can show
    up on any row."""

    def __init__(self, guard: GuardedConnection, cursor: sqlite3.Cursor) -> None:
        self._guard = guard
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        try:
            return self._cursor.fetchone()
        except sqlite3.DatabaseError as exc:
            self._guard.caught(exc)
            return None

    def fetchall(self) -> list[Any]:
        try:
            return self._cursor.fetchall()
        except sqlite3.DatabaseError as exc:
            self._guard.caught(exc)
            return []

    def fetchmany(self, size: int = 1) -> list[Any]:
        try:
            return self._cursor.fetchmany(size)
        except sqlite3.DatabaseError as exc:
            self._guard.caught(exc)
            return []

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                row = next(self._cursor)
            except StopIteration:
                return
            except sqlite3.DatabaseError as exc:
                self._guard.caught(exc)
                return
            yield row


class GuardedConnection:
    """An sqlite3 connection that survives the file turning out damaged.

    Args:
        db: the open connection to the file.
        fresh: makes the replacement (an in-memory database with the current schema).
        on_damage: told once, with a message for people, when the file is given up.
        where: the file, for that message.
    """

    def __init__(self, db: sqlite3.Connection, fresh: Callable[[], sqlite3.Connection],
                 on_damage: Callable[[str], None], where: str) -> None:
        self._db = db
        self._fresh = fresh
        self._on_damage = on_damage
        self.where = where
        self.damage: str | None = None

    def execute(self, sql: str, parameters: Any = ()) -> GuardedCursor:
        try:
            return GuardedCursor(self, self._db.execute(sql, parameters))
        except sqlite3.DatabaseError as exc:
            self.caught(exc)
            return GuardedCursor(self, self._db.execute(sql, parameters))

    def executemany(self, sql: str, rows: Any) -> GuardedCursor:
        rows = list(rows)
        try:
            return GuardedCursor(self, self._db.executemany(sql, rows))
        except sqlite3.DatabaseError as exc:
            self.caught(exc)
            return GuardedCursor(self, self._db.executemany(sql, rows))

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection now in use (the file's, or the replacement's)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def caught(self, exc: sqlite3.DatabaseError) -> None:
        """Give up the file if ``exc`` says it is damaged; re-raise anything else."""
        if not is_corruption(exc) or self.damage is not None:
            raise exc
        old, in_transaction = self._db, self._db.in_transaction
        new = self._fresh()
        _salvage(old, new)
        try:
            old.close()
        except sqlite3.Error:
            pass
        if in_transaction:
            new.execute("BEGIN")  # the statements that follow, and their COMMIT, land here
        self._db = new
        self.damage = (f"{self.where}: the cache turned out damaged ({exc}); xmppsocial goes "
                       "on without it, from the network, until you quit: then move the file "
                       "aside and start again")
        log.error("%s", self.damage)
        self._on_damage(self.damage)


def _salvage(old: sqlite3.Connection, new: sqlite3.Connection) -> None:
    """Copy the small tables that can still be read: what is followed, what was written."""
    for table in SALVAGED:
        try:
            rows = old.execute(f"SELECT * FROM {table}").fetchall()
            if not rows:
                continue
            columns = [d[0] for d in old.execute(f"SELECT * FROM {table} LIMIT 0").description]
            new.executemany(f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES "
                            f"({', '.join('?' for _ in columns)})",
                            [tuple(row) for row in rows])
        except sqlite3.Error as exc:
            log.info("could not keep %s from the damaged cache: %s", table, exc)
