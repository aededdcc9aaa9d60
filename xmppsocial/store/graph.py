"""The social graph in the cache: follows and their copy of the account's lists, followers,
contacts' public follow lists, notifications, and a few marks.

A mixin of Store (store.py): the methods share its connection and transactions.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from xmppsocial.model import NodeRef, PostRef
from xmppsocial.notifications import Notification


@dataclass(frozen=True, slots=True)
class Follower:
    """Someone following a node of ours; ``source`` says how we know ("subscription" when
    the server listed it, "public-list" from their own public follow list)."""

    jid: str
    source: str
    first_seen: float


@dataclass
class FollowerUpdate:
    """What a listing of followers changed: who is new, who left, and whether this was the
    first listing this cache saw (then nobody counts as new: it is where counting starts)."""

    new: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    first: bool = False


class GraphStore:
    """Store methods for the social graph (needs Store's ``db`` and ``transaction``)."""

    db: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # Store's

    # ------------------------------------------------------------------ follows
    def follows(self) -> dict[NodeRef, bool]:
        """The nodes followed from this cache, each with whether the follow is public."""
        return {NodeRef(r["service"], r["node"]): bool(r["follow_public"]) for r in self.db.execute(
            "SELECT service, node, follow_public FROM feeds WHERE followed = 1 "
            "ORDER BY service, node")}

    def set_followed(self, node: NodeRef, followed: bool, public: bool | None = None) -> None:
        """Follow or stop following ``node`` here; a follow stated here is no longer in doubt."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO feeds (service, node) VALUES (?, ?)",
                       (node.service, node.node))
            db.execute("UPDATE feeds SET followed = ?, follow_unverified = 0, follow_public = "
                       "coalesce(?, follow_public) WHERE service = ? AND node = ?",
                       (int(followed), None if public is None else int(public),
                        node.service, node.node))

    def follow_base(self) -> dict[NodeRef, bool]:
        """The account's follow lists as last read from it or written to it."""
        return {NodeRef(r[0], r[1]): bool(r[2]) for r in self.db.execute(
            "SELECT service, node, public FROM account_follows")}

    def set_follow_base(self, base: dict[NodeRef, bool]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM account_follows")
            db.executemany("INSERT INTO account_follows VALUES (?, ?, ?)",
                           [(n.service, n.node, int(p)) for n, p in base.items()])

    def note_on_account(self, node: NodeRef, public: bool | None) -> None:
        """One follow just written to the account (``public`` its flag) or erased from it
        (None): the base of the next merge, so that it is not taken for a change made here."""
        if public is None:
            self.db.execute("DELETE FROM account_follows WHERE service = ? AND node = ?",
                            (node.service, node.node))
        else:
            self.db.execute("INSERT OR REPLACE INTO account_follows VALUES (?, ?, ?)",
                            (node.service, node.node, int(public)))

    def unverified_follows(self) -> set[NodeRef]:
        """Follows copied from a cache several accounts shared: maybe another account's."""
        return {NodeRef(r[0], r[1]) for r in self.db.execute(
            "SELECT service, node FROM feeds WHERE followed = 1 AND follow_unverified = 1")}

    # ------------------------------------------------------------------ followers
    def record_followers(self, node: NodeRef, jids: Iterable[str], source: str,
                         now: float | None = None) -> FollowerUpdate:
        """A complete listing of ``node``'s followers as ``source`` knows them."""
        now = time.time() if now is None else now
        listed = {j.lower() for j in jids}
        mark = f"followers-listed:{source}:{node.service}:{node.node}"
        update = FollowerUpdate(first=self.graph_mark(mark) is None)
        with self.transaction() as db:
            known = {r[0]: bool(r[1]) for r in db.execute(
                "SELECT jid, gone FROM followers WHERE service = ? AND node = ? AND source = ?",
                (node.service, node.node, source))}
            for jid in sorted(listed):
                if jid not in known or known[jid]:
                    update.new.append(jid)
                self._seen_follower(db, node, jid, source, now)
            for jid, gone in known.items():
                if jid not in listed and not gone:
                    update.gone.append(jid)
                    db.execute("UPDATE followers SET gone = 1 WHERE service = ? AND node = ? "
                               "AND jid = ? AND source = ?", (node.service, node.node, jid,
                                                              source))
            self.set_graph_mark(mark, str(now))
        if update.first:
            update.new = []
        return update

    def add_follower(self, node: NodeRef, jid: str, source: str,
                     now: float | None = None) -> bool:
        """One follower learnt of on its own (a push); True when new."""
        now = time.time() if now is None else now
        jid = jid.lower()
        with self.transaction() as db:
            row = db.execute("SELECT gone FROM followers WHERE service = ? AND node = ? AND "
                             "jid = ? AND source = ?", (node.service, node.node, jid,
                                                        source)).fetchone()
            self._seen_follower(db, node, jid, source, now)
        return row is None or bool(row[0])

    def remove_follower(self, node: NodeRef, jid: str, source: str) -> None:
        self.db.execute("UPDATE followers SET gone = 1 WHERE service = ? AND node = ? AND "
                        "jid = ? AND source = ?", (node.service, node.node, jid.lower(), source))

    @staticmethod
    def _seen_follower(db: sqlite3.Connection, node: NodeRef, jid: str, source: str,
                       now: float) -> None:
        # A follower who left and came back is first seen again.
        db.execute("INSERT INTO followers VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO UPDATE "
                   "SET last_seen = excluded.last_seen, gone = 0, first_seen = CASE WHEN gone "
                   "THEN excluded.first_seen ELSE first_seen END",
                   (node.service, node.node, jid, source, now, now))

    def followers(self, node: NodeRef, source: str | None = None) -> list[Follower]:
        """Current followers of ``node``, newest first; one row per person (the server's
        listing wins over a public list)."""
        rows = self.db.execute(
            "SELECT jid, source, first_seen FROM followers WHERE service = ? AND node = ? AND "
            "gone = 0 AND (? IS NULL OR source = ?) ORDER BY source = 'subscription' DESC",
            (node.service, node.node, source, source)).fetchall()
        best: dict[str, Follower] = {}
        for row in rows:
            best.setdefault(row[0], Follower(row[0], row[1], row[2]))
        return sorted(best.values(), key=lambda f: (-f.first_seen, f.jid))

    def follower_count(self, node: NodeRef) -> int:
        return len(self.followers(node))

    # ------------------------------------------------------------------ public lists
    def set_public_follows(self, owner: str, items: dict[str, NodeRef], complete: bool,
                           now: float | None = None) -> None:
        """Items of ``owner``'s public follow list; ``complete`` replaces the whole list."""
        now = time.time() if now is None else now
        owner = owner.lower()
        with self.transaction() as db:
            if complete:
                db.execute("DELETE FROM public_follows WHERE owner = ?", (owner,))
            db.executemany("INSERT OR REPLACE INTO public_follows VALUES (?, ?, ?, ?, ?)",
                           [(owner, i, n.service, n.node, now) for i, n in items.items()])

    def retract_public_follows(self, owner: str, item_ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM public_follows WHERE owner = ? AND item_id = ?",
                            [(owner.lower(), i) for i in item_ids])

    def public_follows_of(self, owner: str) -> list[NodeRef]:
        return [NodeRef(r[0], r[1]) for r in self.db.execute(
            "SELECT DISTINCT service, node FROM public_follows WHERE owner = ? "
            "ORDER BY service, node", (owner.lower(),))]

    def public_followers(self, node: NodeRef) -> list[str]:
        """Whose public follow list names ``node``."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT owner FROM public_follows WHERE service = ? AND node = ? "
            "ORDER BY owner", (node.service, node.node))]

    # ------------------------------------------------------------------ notifications
    def add_notifications(self, notes: Iterable[Notification]) -> list[Notification]:
        """Keep these; returns the ones that were not known yet (by key), with their ids."""
        added = []
        with self.transaction() as db:
            for n in notes:
                about, target = _ref(n.about), _ref(n.target)
                cursor = db.execute(
                    "INSERT OR IGNORE INTO notifications (key, kind, actor, actor_name, text, "
                    "about_service, about_node, about_item, target_service, target_node, "
                    "target_item, target_title, created, is_read) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (n.key, n.kind, n.actor, n.actor_name, n.text, *about, *target,
                     n.target_title, n.created, int(n.read)))
                if cursor.rowcount:
                    from dataclasses import replace
                    added.append(replace(n, id=cursor.lastrowid))
        return added

    def notifications(self, unread_only: bool = False, limit: int | None = None
                      ) -> list[Notification]:
        """Stored notifications, newest first."""
        sql = ("SELECT * FROM notifications" + (" WHERE is_read = 0" if unread_only else "")
               + " ORDER BY created DESC, id DESC" + (" LIMIT ?" if limit else ""))
        return [_notification(r) for r in self.db.execute(sql, (limit,) if limit else ())]

    def unread_notification_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM notifications WHERE is_read = 0"
                               ).fetchone()[0]

    def mark_notifications_read(self, ids: Iterable[int] | None = None) -> None:
        """Mark these (default: all) read."""
        if ids is None:
            self.db.execute("UPDATE notifications SET is_read = 1 WHERE is_read = 0")
        else:
            self.db.executemany("UPDATE notifications SET is_read = 1 WHERE id = ?",
                                [(i,) for i in ids])

    # ------------------------------------------------------------------ marks
    def graph_mark(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM graph_marks WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_graph_mark(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO graph_marks VALUES (?, ?) ON CONFLICT DO UPDATE SET "
                        "value = excluded.value", (key, value))

    def activity_since(self, now: float | None = None) -> float:
        """When this cache began watching for activity on my posts (set on first ask):
        what happened before is history, not news."""
        mark = self.graph_mark("activity-since")
        if mark is None:
            mark = str(time.time() if now is None else now)
            self.set_graph_mark("activity-since", mark)
        return float(mark)


def _ref(ref: PostRef | None) -> tuple[str | None, str | None, str | None]:
    return (ref.service, ref.node, ref.item) if ref is not None else (None, None, None)


def _notification(row: sqlite3.Row) -> Notification:
    def ref(prefix: str) -> PostRef | None:
        service = row[f"{prefix}_service"]
        return PostRef(service, row[f"{prefix}_node"], row[f"{prefix}_item"]) \
            if service is not None else None

    return Notification(row["key"], row["kind"], row["actor"], row["actor_name"], row["text"],
                        ref("about"), ref("target"), row["target_title"], row["created"],
                        bool(row["is_read"]), row["id"])
