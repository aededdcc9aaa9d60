"""Opening the cache of one account: the one place the CLI and the TUI get their Store.

Kept apart from Store itself so that where an account's cache lives, how it is
checked before use and who may write it are decided once, for every caller.
"""

from __future__ import annotations

from pathlib import Path

from xmppsocial.store.account_files import account_cache_path
from xmppsocial.store.lock import CacheLock
from xmppsocial.store.store import Store


def open_account_store(jid: str | None, *, role: str = "tui") -> Store:
    """The cache for the account ``jid`` (None: no account configured yet).

    ``role`` ("tui" or "cli") is what a second instance is told holds the cache.

    Raises:
        StoreError: the file cannot be used (damaged, newer, unreadable); it was left
            as it was, and the message says where it is and what to do.
    """
    # Where: the account's own file; a cache older releases shared between accounts is
    # split first (account_files.py). Then the checks and the lock (open_checked).
    return open_checked(account_cache_path(jid), who=jid or "this account", role=role)


def open_checked(path: Path, *, who: str, role: str) -> Store:
    """The integrity and single-writer step: take the lock, then open (which checks the
    file read-only before writing anything). When another instance holds the lock, a
    checked read-only copy instead, whose ``read_only_reason`` says who has it."""
    lock = CacheLock(path)
    if not lock.acquire(role):
        return Store(path, read_only_reason=f"{who} is open in another xmppsocial, "
                                            f"{lock.holder()}")
    try:
        store = Store(path)
    except BaseException:
        lock.release(remove=True)
        raise
    store.lock = lock
    return store
