"""Where an account's cache lives, and splitting the cache accounts used to share.

Each account has its own cache file (paths.database_file(jid)), so nothing of one
account shows under another. Releases before that kept one cache for every account;
the first time an account opens its own cache while that shared file exists, the shared
cache is split: every account known then gets a copy holding only what is its own, and
the shared file is renamed out of the way (kept, never read again). With one account,
its copy is the whole cache. With several, each account keeps the outbox items for its
own blog, its own blog's posts and the posts of blogs others do not own; drafts go to the
first configured account (the default one), except edits of another account's post;
follows become "unverified": the account's live subscriptions decide whose they are on
the next connect (xmpp/graph_sync.py).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from xmppsocial import paths
from xmppsocial.store.database import StoreError

log = logging.getLogger(__name__)

SPLIT_BACKUP = "shared-cache-before-accounts.sqlite3"


def account_cache_path(jid: str | None) -> Path:
    """The cache file of ``jid`` (None: no account yet), splitting a shared cache first."""
    path = paths.database_file(jid)
    if jid is None:
        return path
    shared = paths.database_file(None)
    if not path.exists() and shared.exists():
        split_shared_cache(shared, _accounts_to_split(jid))
    paths.private_dir(path.parent)
    return path


def _accounts_to_split(jid: str) -> list[str]:
    """The configured accounts, the default one first, and ``jid`` if it is not among them."""
    from xmppsocial.config import ConfigError, load_config

    try:
        jids = [a.jid for a in load_config().accounts]
    except ConfigError:
        jids = []
    if jid.lower() not in {j.lower() for j in jids}:
        jids.append(jid)
    return jids


def split_shared_cache(shared: Path, jids: list[str]) -> None:
    """Give each of ``jids`` its own copy of ``shared`` holding what is its own, then move
    ``shared`` aside. The first of ``jids`` is the default account. A shared cache that
    cannot be read is left untouched and StoreError says so."""
    from xmppsocial.store.store import Store

    for jid in jids:
        target = paths.database_file(jid)
        if target.exists():
            continue
        paths.make_dirs(target.parent)
        paths.private_dir(target.parent)
        partial = target.with_name(f".{target.name}.split")
        partial.unlink(missing_ok=True)
        try:
            _copy(shared, partial)
            store = Store(partial)  # brings the copy to the current schema
            try:
                if len(jids) > 1:
                    _keep_own(store.db, jid, [j for j in jids if j != jid], jid == jids[0])
            finally:
                store.close()
        except (sqlite3.DatabaseError, StoreError, OSError) as exc:
            for leftover in partial.parent.glob(f"{partial.name}*"):
                leftover.unlink(missing_ok=True)
            raise StoreError(f"{shared}: the cache shared by all accounts could not be split "
                             f"({exc}); it was left untouched. Move it away to start afresh."
                             ) from None
        try:
            os.link(partial, target)  # never over a cache another process made meanwhile
        except FileExistsError:
            pass
        partial.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        log.info("split the shared cache for %s into %s", jid, target)
    backup = shared.with_name(SPLIT_BACKUP)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.replace(f"{shared}{suffix}", f"{backup}{suffix}")
        except FileNotFoundError:
            pass  # no such side file, or another process moved it first


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a live database (its WAL included), read without writing to it."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _keep_own(db: sqlite3.Connection, jid: str, others: list[str], default: bool) -> None:
    """Remove from one account's copy what belongs to the other accounts."""
    me, others = jid.lower(), [o.lower() for o in others]
    marks = ", ".join("?" for _ in others)
    db.execute("BEGIN IMMEDIATE")
    try:
        # Outbox items publish to a blog: another account's blog is not ours to write to.
        db.execute(f"DELETE FROM outbox WHERE lower(service) IN ({marks})", others)
        if not default:
            db.execute("DELETE FROM outbox WHERE lower(service) != ?", (me,))
        # An edit draft goes with the post it edits; everything else to the default account.
        owners = {row[0]: row[1].lower() for row in db.execute(
            "SELECT item_id, service FROM posts WHERE node = 'urn:xmpp:microblog:0'")}
        for (key,) in db.execute("SELECT key FROM drafts").fetchall():
            owner = owners.get(key[5:]) if key.startswith("edit:") else None
            mine = owner == me if owner in (me, *others) else default
            if not mine:
                db.execute("DELETE FROM drafts WHERE key = ?", (key,))
        db.execute(f"DELETE FROM posts WHERE lower(service) IN ({marks})", others)
        db.execute(f"DELETE FROM attachment_likes WHERE lower(service) IN ({marks})", others)
        db.execute(f"DELETE FROM feeds WHERE own = 1 AND lower(service) IN ({marks})", others)
        db.execute("UPDATE feeds SET follow_unverified = 1 WHERE followed = 1")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
