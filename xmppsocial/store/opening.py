"""Opening the cache of one account: the one place the CLI and the TUI get their Store.

Kept apart from Store itself so that where an account's cache lives, how it is
checked before use and who may write it are decided once, for every caller.
"""

from __future__ import annotations

from xmppsocial.store.account_files import account_cache_path
from xmppsocial.store.store import Store


def open_account_store(jid: str | None) -> Store:
    """The cache for the account ``jid`` (None: no account configured yet)."""
    # Where: the account's own file; a cache older releases shared between accounts is
    # split first (account_files.py).
    path = account_cache_path(jid)
    return Store(path)
