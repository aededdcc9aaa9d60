"""Opening the cache of one account: the one place the CLI and the TUI get their Store.

Kept apart from Store itself so that where an account's cache lives, how it is
checked before use and who may write it are decided once, for every caller.
"""

from __future__ import annotations

from xmppsocial import paths
from xmppsocial.store.store import Store


def open_account_store(jid: str | None) -> Store:
    """The cache for the account ``jid`` (None: no account configured yet)."""
    return Store(paths.database_file())
