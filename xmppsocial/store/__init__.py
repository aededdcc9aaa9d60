"""The local cache (SQLite): posts, timelines, read state, feeds, drafts and the outbox.

Pure layer: no Textual, no slixmpp.
"""

from xmppsocial.store.database import CacheDamaged, SchemaTooNewError, StoreError
from xmppsocial.store.outbox import OutboxItem
from xmppsocial.store.rows import TimelineEntry
from xmppsocial.store.store import Draft, Feed, Store, UpsertResult
from xmppsocial.store.timeline import Scope, Timeline

__all__ = ["CacheDamaged", "Draft", "Feed", "OutboxItem", "SchemaTooNewError", "Scope", "Store", "StoreError",
           "Timeline", "TimelineEntry", "UpsertResult"]
