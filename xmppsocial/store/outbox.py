"""The outbox: what waits for the network, in order, and what will not go by itself.

A mixin of Store (it uses the store's connection and drafts); kept apart so that the
sending rules and the cache of posts each stay readable.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xmppsocial.model import NodeRef

if TYPE_CHECKING:
    from xmppsocial.store.store import Draft


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A publish, comment, like or retract waiting for the network.

    ``state`` is "pending" (sent when online, oldest first) or "failed" (refused, or the
    connection died each time it was sent: ``last_error`` says which; it waits for a
    retry, an edit or a discard). ``options`` holds what the replay needs besides the
    payload: the audience, the draft key it came from, a comments node still to make.
    """

    id: int
    kind: str  # "publish", "comment", "like" or "retract"
    node: NodeRef
    item_id: str
    payload: str
    attempts: int
    last_error: str | None
    state: str = "pending"
    options: dict[str, object] = field(default_factory=dict)
    created: float = 0.0

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    @property
    def access(self) -> str | None:
        """The audience asked for, should the blog have to be created."""
        access = self.options.get("access") or self.kind.partition(":")[2]
        return str(access) if access else None

    @property
    def action(self) -> str:
        """The kind without the audience older releases appended ("publish:open")."""
        return self.kind.partition(":")[0]


class OutboxStore:
    """Outbox operations over the store's database."""

    db: sqlite3.Connection

    # Provided by Store.
    def transaction(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def draft(self, key: str) -> Draft | None:
        raise NotImplementedError

    def save_draft(self, key: str, **fields: object) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ outbox
    def enqueue(self, kind: str, node: NodeRef, item_id: str, payload: str = "", *,
                options: dict[str, object] | None = None) -> int:
        """Queue a publish, comment, like or retract; queueing the same item again replaces
        its payload and options and makes it pending again.

        Raises:
            StoreError: this is a second instance's read-only copy, whose outbox would
                never be sent.
        """
        if not getattr(self, "writer", True):
            from xmppsocial.store.database import StoreError

            raise StoreError(f"nothing can be queued: {getattr(self, 'read_only_reason', '')}")
        self.db.execute("INSERT INTO outbox (kind, service, node, item_id, payload, options, "
                        "created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, service, node, "
                        "item_id) DO UPDATE SET payload = excluded.payload, options = "
                        "excluded.options, state = 'pending', attempts = 0, last_error = NULL, "
                        "failed_at = NULL",
                        (kind, node.service, node.node, item_id, payload,
                         json.dumps(options or {}), time.time()))
        return self.db.execute("SELECT id FROM outbox WHERE kind = ? AND service = ? AND "
                               "node = ? AND item_id = ?",
                               (kind, node.service, node.node, item_id)).fetchone()[0]

    def pending(self) -> list[OutboxItem]:
        """What waits to be sent, oldest first: send them in this order (failed items are
        left out until retried)."""
        return [_outbox_item(r) for r in self.db.execute(
            "SELECT * FROM outbox WHERE state = 'pending' ORDER BY id")]

    def outbox(self) -> list[OutboxItem]:
        """Every item, pending and failed, oldest first."""
        return [_outbox_item(r) for r in self.db.execute("SELECT * FROM outbox ORDER BY id")]

    def outbox_item(self, outbox_id: int) -> OutboxItem | None:
        row = self.db.execute("SELECT * FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        return _outbox_item(row) if row else None

    def sending(self, outbox_id: int) -> None:
        """Count a send before it happens: a drop may cut the sender short, and an item
        whose sending kills the connection every time must still be found out."""
        self.db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (outbox_id,))

    def note_error(self, outbox_id: int, error: str) -> None:
        """Keep why the last send did not go through (the attempt is already counted)."""
        self.db.execute("UPDATE outbox SET last_error = ? WHERE id = ?", (error, outbox_id))

    def attempt_failed(self, outbox_id: int, error: str) -> None:
        """Count a failed try and keep its error; the item stays queued."""
        self.db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                        (error, outbox_id))

    def mark_failed(self, outbox_id: int, reason: str) -> None:
        """It will not go by itself: keep it, with the reason, out of the sending order."""
        self.db.execute("UPDATE outbox SET state = 'failed', attempts = attempts + 1, "
                        "last_error = ?, failed_at = ? WHERE id = ?",
                        (reason, time.time(), outbox_id))

    def retry(self, outbox_id: int) -> bool:
        """Make an item pending again (a fresh count of attempts); False if unknown."""
        return bool(self.db.execute("UPDATE outbox SET state = 'pending', attempts = 0, "
                                    "failed_at = NULL WHERE id = ?", (outbox_id,)).rowcount)

    def discard(self, outbox_id: int) -> bool:
        """Drop an item unsent; False if unknown."""
        return bool(self.db.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,)).rowcount)

    def update_outbox(self, outbox_id: int, payload: str, options: dict[str, object]) -> None:
        """Replace what will be sent (a comments node made for it meanwhile, say)."""
        self.db.execute("UPDATE outbox SET payload = ?, options = ? WHERE id = ?",
                        (payload, json.dumps(options), outbox_id))

    def sent(self, outbox_id: int) -> None:
        """The server accepted it: remove it from the outbox."""
        self.db.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))

    def outbox_to_draft(self, outbox_id: int) -> str:
        """Take an item's text back into the drafts (to edit it), removing it from the
        outbox; returns the draft key the composer opens it by.

        Raises:
            KeyError: no such item.
            ValueError: nothing to edit (a retract or a like), or another text already
                waits under that draft key (it is never overwritten).
        """
        item = self.outbox_item(outbox_id)
        if item is None:
            raise KeyError(outbox_id)
        key = str(item.options.get("draft") or "")
        if item.action not in ("publish", "comment") or not key or not item.payload:
            raise ValueError(f"outbox item {outbox_id} ({item.action}) has no text to edit")
        existing = self.draft(key)
        if existing is not None and existing.body.strip():
            raise ValueError(f"a draft is already kept under '{key}': send or delete it first")
        from xmppsocial.content.compose import edit_source  # Markdown again, not the plain twin
        from xmppsocial.content.microblog import EntryError, parse_entry

        try:
            post = parse_entry(item.payload, item.node.service, item.node.node, item.item_id)
        except EntryError as exc:
            raise ValueError(f"outbox item {outbox_id} cannot be read back: {exc}") from None
        with self.transaction():
            self.save_draft(key, title="" if post.title_derived else post.title,
                            body=edit_source(post), tags=post.tags,
                            audience=str(item.options.get("access") or ""))
            self.discard(outbox_id)
        return key


def _outbox_item(row: sqlite3.Row) -> OutboxItem:
    try:
        options = json.loads(row["options"] or "{}")
    except ValueError:
        options = {}
    return OutboxItem(row["id"], row["kind"], NodeRef(row["service"], row["node"]),
                      row["item_id"], row["payload"], row["attempts"], row["last_error"],
                      row["state"], options if isinstance(options, dict) else {},
                      row["created"])
