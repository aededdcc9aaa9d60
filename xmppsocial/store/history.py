"""How far back each feed's history has been read: frontiers, the cursors past them, holes.

A feed's history is read from its newest post down. The frontier is the oldest
post of that run: above it nothing is missing, below it nothing is known until
the frontier cursor is followed, unless the server said there is nothing older
(the history's end). A catch-up after a long absence may stop at its bound
before reaching what the cache held; the gap it leaves is a hole, just below
the oldest post it read, with the cursor that reads on into it.

Cursors belong to the network layer and are kept as text. The reading model
turns all this into rows; the catch-up and the pager write it, through the
one place that applies what the network reports (xmppsocial.applying).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from xmppsocial.model import NodeRef

SortKey = tuple[float, int]


@dataclass(frozen=True, slots=True)
class Hole:
    """A gap in a feed's history, just below the post ``above_item`` (the newer side)."""

    id: int
    node: NodeRef
    above_item: str
    above: SortKey | None  # None until that post is stored
    cursor: str
    missing: int | None


@dataclass(frozen=True, slots=True)
class FeedHistory:
    """One feed's paging state, resolved against the posts the cache holds."""

    node: NodeRef
    title: str
    owner_name: str
    frontier: SortKey | None  # None: no post of this feed is cached
    cursor: str | None        # reads on past the frontier; None with ``ended`` False: unknown
    ended: bool               # the server has nothing older than the frontier
    holes: tuple[Hole, ...]


@dataclass(frozen=True, slots=True)
class Tip:
    """The newest post of a feed the cache holds: where a catch-up can stop."""

    item_id: str
    published: float


class History:
    """The paging state of the feeds in one cache."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def feeds(self, nodes: Iterable[NodeRef]) -> list[FeedHistory]:
        """The state of each of ``nodes`` (unknown feeds count as never read)."""
        wanted = list(dict.fromkeys(nodes))
        if not wanted:
            return []
        holes: dict[NodeRef, list[Hole]] = {}
        for hole in self._holes(wanted):
            holes.setdefault(hole.node, []).append(hole)
        out = []
        for node in wanted:
            row = self.db.execute(
                "SELECT f.title, f.frontier_cursor, f.history_end, fp.sort_ts AS f_ts, "
                "fp.id AS f_id, "
                "(SELECT p.author_name FROM posts p WHERE p.service = f.service AND p.node = "
                "f.node AND p.author_jid = f.service AND p.author_name != '' LIMIT 1) AS owner "
                "FROM feeds f LEFT JOIN posts fp ON fp.service = f.service AND fp.node = "
                "f.node AND fp.item_id = f.frontier_item WHERE f.service = ? AND f.node = ?",
                (node.service, node.node)).fetchone()
            frontier = (row["f_ts"], row["f_id"]) if row and row["f_ts"] is not None else None
            if frontier is None:
                # Never read here (a cache from before paging state, or posts that only came
                # pushed): the oldest post held is as far as anything is known.
                oldest = self.db.execute(
                    "SELECT sort_ts, id FROM posts INDEXED BY posts_by_node WHERE service = ? "
                    "AND node = ? AND is_comment = 0 ORDER BY sort_ts, id LIMIT 1",
                    (node.service, node.node)).fetchone()
                frontier = (oldest[0], oldest[1]) if oldest else None
            out.append(FeedHistory(node, row["title"] if row else "",
                                   (row["owner"] or "") if row else "", frontier,
                                   row["frontier_cursor"] if row else None,
                                   bool(row and row["history_end"]),
                                   tuple(holes.get(node, ()))))
        return out

    def feed(self, node: NodeRef) -> FeedHistory:
        return self.feeds([node])[0]

    def _holes(self, nodes: list[NodeRef]) -> list[Hole]:
        rows = self.db.execute(
            "SELECT h.*, p.sort_ts AS a_ts, p.id AS a_id FROM holes h LEFT JOIN posts p ON "
            "p.service = h.service AND p.node = h.node AND p.item_id = h.above_item "
            "ORDER BY h.id").fetchall()
        known = set(nodes)
        return [_hole(row) for row in rows if NodeRef(row["service"], row["node"]) in known]

    def hole(self, hole_id: int) -> Hole | None:
        row = self.db.execute(
            "SELECT h.*, p.sort_ts AS a_ts, p.id AS a_id FROM holes h LEFT JOIN posts p ON "
            "p.service = h.service AND p.node = h.node AND p.item_id = h.above_item "
            "WHERE h.id = ?", (hole_id,)).fetchone()
        return _hole(row) if row else None

    def tip(self, node: NodeRef) -> Tip | None:
        """The newest post of ``node`` in the cache (a retracted one still marks a time)."""
        row = self.db.execute(
            "SELECT item_id, sort_ts FROM posts INDEXED BY posts_by_node WHERE service = ? "
            "AND node = ? AND is_comment = 0 ORDER BY sort_ts DESC, id DESC LIMIT 1",
            (node.service, node.node)).fetchone()
        return Tip(row[0], row[1]) if row else None

    def newest_below(self, node: NodeRef, key: SortKey) -> Tip | None:
        """The newest post of ``node`` older than ``key``: where a hole's gap ends."""
        row = self.db.execute(
            "SELECT item_id, sort_ts FROM posts INDEXED BY posts_by_node WHERE service = ? "
            "AND node = ? AND is_comment = 0 AND (sort_ts, id) < (?, ?) "
            "ORDER BY sort_ts DESC, id DESC LIMIT 1",
            (node.service, node.node, *key)).fetchone()
        return Tip(row[0], row[1]) if row else None

    # ------------------------------------------------------------------ writing
    def set_frontier(self, node: NodeRef, item_id: str | None, cursor: str | None,
                     ended: bool) -> None:
        """The run read from the newest post now reaches ``item_id``; ``cursor`` reads on."""
        self.db.execute("INSERT OR IGNORE INTO feeds (service, node) VALUES (?, ?)",
                        (node.service, node.node))
        self.db.execute("UPDATE feeds SET frontier_item = coalesce(?, frontier_item), "
                        "frontier_cursor = ?, history_end = ? WHERE service = ? AND node = ?",
                        (item_id, cursor, int(ended), node.service, node.node))

    def open_hole(self, node: NodeRef, above_item: str, cursor: str,
                  missing: int | None = None) -> int:
        return self.db.execute("INSERT INTO holes (service, node, above_item, cursor, missing, "
                               "created) VALUES (?, ?, ?, ?, ?, ?)",
                               (node.service, node.node, above_item, cursor, missing,
                                time.time())).lastrowid or 0

    def move_hole(self, hole_id: int, above_item: str, cursor: str,
                  missing: int | None = None) -> None:
        """Part of the gap was read: it now starts below ``above_item``."""
        self.db.execute("UPDATE holes SET above_item = ?, cursor = ?, missing = ? WHERE id = ?",
                        (above_item, cursor, missing, hole_id))

    def close_hole(self, hole_id: int) -> None:
        self.db.execute("DELETE FROM holes WHERE id = ?", (hole_id,))


def _hole(row: sqlite3.Row) -> Hole:
    above = (row["a_ts"], row["a_id"]) if row["a_ts"] is not None else None
    return Hole(row["id"], NodeRef(row["service"], row["node"]), row["above_item"], above,
                row["cursor"], row["missing"])
