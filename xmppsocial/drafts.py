"""What a kept draft was written for, from its key: the TUI's keys and the command line's.

The TUI keeps ``new``, ``reply:SERVICE:NODE:ITEM`` and ``edit:ITEM``; the command line
keeps the same keys when the server refuses (``KEY#2``… for a second text under one
key; older releases kept ``post`` and ``reply:ITEM``). Both kinds
are reachable from the drafts list; a reply whose post is not in the cache reopens as
a new post rather than being lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from xmppsocial.model import Post, PostRef
from xmppsocial.store import Store


@dataclass(frozen=True, slots=True)
class DraftTarget:
    kind: str  # new | reply | edit
    key: str
    post: Post | None = None

    def describe(self) -> str:
        if self.post is None:
            return "new post" if self.kind == "new" else f"{self.kind} (post not in the cache)"
        title = self.post.title[:50]
        return f"reply to “{title}”" if self.kind == "reply" else f"edit of “{title}”"


def draft_target(store: Store, key: str) -> DraftTarget:
    # A second text the command line kept for the same key is "KEY#2": same target.
    base, _, copy = key.rpartition("#")
    kind, _, rest = (base if base and copy.isdigit() else key).partition(":")
    if kind == "reply" and rest:
        return DraftTarget("reply", key, _post(store, rest))
    if kind == "edit" and rest:
        found = _post(store, rest)
        return DraftTarget("edit", key, found) if found is not None else DraftTarget("new", key)
    return DraftTarget("new", key)


def _post(store: Store, where: str) -> Post | None:
    service, _, rest = where.partition(":")
    node, _, item = rest.rpartition(":")
    if service and node and item:
        return store.get_post(PostRef(service, node, item))
    ref = store.find_item(where)  # the command line names the item only
    return store.get_post(ref) if ref is not None else None
