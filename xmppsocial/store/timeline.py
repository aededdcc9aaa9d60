"""Keyset-paged timelines over the cache: all I follow, one blog, a tag, unread, a search.

Every page is one indexed query ordered by (sort_ts, id); no OFFSET except
for the rare far jump, so the cost of a page does not depend on how many
posts are stored. The page's row ids are chosen first and only those rows
get their like and comment counts: counting before sorting would count every
match of a search.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from xmppsocial.model import NodeRef
from xmppsocial.store.rows import TimelineEntry, entry_from_row

# Comments and likes of a post live on its comments node; replies point at it.
_COUNTS = """
    (SELECT count(*) FROM posts c WHERE c.service = p.comments_service
        AND c.node = p.comments_node AND c.is_like = 0 AND c.retracted = 0)
  + (SELECT count(*) FROM posts r WHERE r.reply_service = p.service AND r.reply_node = p.node
        AND r.reply_item = p.item_id AND r.retracted = 0) AS comments,
    (SELECT count(*) FROM (
        SELECT c.author_jid FROM posts c WHERE c.service = p.comments_service
            AND c.node = p.comments_node AND c.is_like = 1
            AND (c.author_verified = 1 OR c.publisher IS NULL)
            AND c.retracted = 0
        UNION SELECT a.jid FROM attachment_likes a WHERE a.service = p.service
            AND a.node = p.node AND a.item_id = p.item_id)) AS likes,
    -- whether I am among them: the account is the service of the cache's own blog
    (EXISTS (SELECT 1 FROM attachment_likes a WHERE a.service = p.service
            AND a.node = p.node AND a.item_id = p.item_id AND a.jid = (SELECT f.service
            FROM feeds f WHERE f.own = 1 LIMIT 1))
     OR EXISTS (SELECT 1 FROM posts c WHERE c.service = p.comments_service
            AND c.node = p.comments_node AND c.is_like = 1 AND c.retracted = 0
            AND c.author_jid = (SELECT f.service FROM feeds f WHERE f.own = 1 LIMIT 1)))
        AS liked
"""
VISIBLE = "p.is_comment = 0 AND p.retracted = 0"
FOLLOWED = ("EXISTS (SELECT 1 FROM feeds f WHERE f.service = p.service AND f.node = p.node "
            "AND (f.followed = 1 OR f.own = 1))")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which posts a timeline shows."""

    kind: str = "home"  # home | unread | blog | tag | search
    node: NodeRef | None = None
    tag: str | None = None
    query: str | None = None

    @classmethod
    def blog(cls, node: NodeRef) -> Scope:
        """One blog (or any node), comments left out."""
        return cls("blog", node=node)

    @classmethod
    def tagged(cls, tag: str) -> Scope:
        """Posts carrying a tag (Atom category), in any letter case."""
        return cls("tag", tag=tag)

    @classmethod
    def search(cls, query: str) -> Scope:
        """Posts and comments whose title, text, author or tags hold every word (as prefixes)."""
        return cls("search", query=query)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must match, as a prefix; no operators."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' for w in words[:16])


# Above this many matches a search or a tag walks a time index and stops after a page; below
# it, sorting the matches by time through a narrow index is cheaper than walking.
COMMON_WORDS = 1000
_FTS = "p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)"
_FEW_TAGGED = f"{VISIBLE} AND p.id IN (SELECT t.post_id FROM post_tags t WHERE t.tag = ?)"
# The index each scope pages through, named so the plan never depends on SQLite's guesses
# (with no statistics it can prefer an index that reads every post).
_WALK = {"home": "posts_by_time", "unread": "posts_unread", "blog": "posts_visible_by_node",
         "tag": "posts_by_time", "search": "posts_live_by_time"}


def where(scope: Scope) -> tuple[str, list[object]]:
    """The SQL condition (on ``posts p``) and its arguments for the posts a scope shows."""
    if scope.kind in ("home", "unread"):
        clause = f"{VISIBLE} AND {FOLLOWED}"
        return (clause + " AND p.is_read = 0" if scope.kind == "unread" else clause), []
    if scope.kind == "blog" and scope.node is not None:
        return f"{VISIBLE} AND p.service = ? AND p.node = ?", [scope.node.service, scope.node.node]
    if scope.kind == "tag" and scope.tag:
        # EXISTS lets SQLite walk posts newest first and stop after a page.
        return (f"{VISIBLE} AND EXISTS (SELECT 1 FROM post_tags t WHERE t.tag = ? "
                "AND t.post_id = p.id)", [scope.tag.lower()])
    if scope.kind == "search" and scope.query:
        query = fts_query(scope.query)
        if not query:
            return "0", []
        return f"p.retracted = 0 AND {_FTS}", [query]
    raise ValueError(f"incomplete timeline scope: {scope}")


class Timeline:
    """Keyset pages of one scope (the reading model merges them with history marks)."""

    def __init__(self, db: sqlite3.Connection, scope: Scope) -> None:
        self.db = db
        self.scope = scope
        self._where, self._args = where(scope)
        self._index = "" if self._where == "0" else f" INDEXED BY {_WALK[scope.kind]}"
        # Only speed depends on this choice, never which posts are shown.
        if scope.kind == "search" and self._args:
            if not self._common("SELECT 1 FROM posts_fts WHERE posts_fts MATCH ?"):
                self._index = " INDEXED BY posts_live_by_id"
        elif scope.kind == "tag":
            if not self._common("SELECT 1 FROM post_tags WHERE tag = ?"):
                self._where = _FEW_TAGGED
                self._index = " INDEXED BY posts_live_by_id"

    def _common(self, matching: str) -> bool:
        found = self.db.execute(f"SELECT count(*) FROM ({matching} LIMIT ?)",
                                [*self._args, COMMON_WORDS + 1]).fetchone()[0]
        return found > COMMON_WORDS

    def _select(self, extra: str, args: list[object], order: str, limit: int,
                offset: int = 0, index: str | None = None) -> list[TimelineEntry]:
        index = self._index if index is None else index
        # The LIMIT keeps SQLite from flattening the page into the outer query.
        sql = (f"WITH page AS (SELECT p.id FROM posts p{index} WHERE {self._where}{extra} "
               f"ORDER BY p.sort_ts {order}, p.id {order} LIMIT ? OFFSET ?) "
               f"SELECT p.*, {_COUNTS} FROM page JOIN posts p ON p.id = page.id "
               f"ORDER BY p.sort_ts {order}, p.id {order}")
        rows = self.db.execute(sql, [*self._args, *args, limit, offset]).fetchall()
        entries = [entry_from_row(row) for row in rows]
        return entries if order == "DESC" else entries[::-1]

    def count(self) -> int:
        """How many posts this timeline holds (for the scrollbar)."""
        if self.scope.kind == "home":
            # Per followed feed, over an index that holds only visible posts.
            return self.db.execute(
                "SELECT coalesce(sum((SELECT count(*) FROM posts p INDEXED BY "
                f"posts_visible_by_node WHERE p.service = f.service AND p.node = f.node AND "
                f"{VISIBLE})), 0) FROM feeds f WHERE f.followed = 1 OR f.own = 1"
            ).fetchone()[0]
        if self.scope.kind == "unread":  # the status line asks after every change
            return self.db.execute(
                "SELECT coalesce(sum((SELECT count(*) FROM posts p INDEXED BY "
                "posts_unread_by_node WHERE p.service = f.service AND p.node = f.node AND "
                f"p.is_read = 0 AND {VISIBLE})), 0) FROM feeds f WHERE f.followed = 1 OR "
                "f.own = 1").fetchone()[0]
        return self.db.execute(f"SELECT count(*) FROM posts p{self._counting} WHERE "
                               f"{self._where}", self._args).fetchone()[0]

    @property
    def _counting(self) -> str:
        # Counting reads every match anyway: only a search needs the narrow index named.
        return self._index if self.scope.kind == "search" else ""

    def unread_count(self) -> int:
        """How many posts of this timeline are unread."""
        return self.db.execute(f"SELECT count(*) FROM posts p{self._counting} WHERE "
                               f"{self._where} AND p.is_read = 0", self._args).fetchone()[0]

    def newest(self, limit: int) -> list[TimelineEntry]:
        """The first page, newest first."""
        return self._select("", [], "DESC", limit)

    def oldest(self, limit: int) -> list[TimelineEntry]:
        """The last page, newest first."""
        return self._select("", [], "ASC", limit)

    def older_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineEntry]:
        """The page after the entry with ``sort_key`` (its opaque cursor), newest first."""
        return self._select(" AND (p.sort_ts, p.id) < (?, ?)", list(sort_key), "DESC", limit)

    def newer_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineEntry]:
        """The page before the entry with ``sort_key``, newest first."""
        return self._select(" AND (p.sort_ts, p.id) > (?, ?)", list(sort_key), "ASC", limit)

    def at_offset(self, offset: int, limit: int) -> list[TimelineEntry]:
        """A page far away (dragging the scrollbar): OFFSET, the one place it is used."""
        return self._select("", [], "DESC", limit, offset)

    def entry(self, key: tuple[str, str, str]) -> TimelineEntry | None:
        """One post of this timeline by key, or None when it is not in it."""
        found = self._select(" AND p.service = ? AND p.node = ? AND p.item_id = ?", list(key),
                             "DESC", 1, index="")
        return found[0] if found else None

    def position(self, sort_key: tuple[object, ...]) -> int:
        """How many posts of this timeline come before the one with ``sort_key``."""
        sql = (f"SELECT count(*) FROM posts p{self._counting} WHERE {self._where} "
               "AND (p.sort_ts, p.id) > (?, ?)")
        return self.db.execute(sql, [*self._args, *sort_key]).fetchone()[0]

    def next_unread(self, after: tuple[object, ...] | None = None) -> TimelineEntry | None:
        """The first unread post older than ``after`` (or the newest unread), in this scope."""
        extra, args = " AND p.is_read = 0", []
        # Read posts are not in posts_unread: no need to step over them one by one.
        index = " INDEXED BY posts_unread" if self.scope.kind in ("home", "unread") else None
        if after is not None:
            extra += " AND (p.sort_ts, p.id) < (?, ?)"
            args = list(after)
        found = self._select(extra, args, "DESC", 1, index=index)
        if not found and after is not None:
            found = self._select(" AND p.is_read = 0", [], "DESC", 1, index=index)
        return found[0] if found else None

    def unread_ids(self) -> list[int]:
        """Row ids of the unread posts of this timeline (marking a view read, and undoing it)."""
        return [row[0] for row in self.db.execute(
            f"SELECT p.id FROM posts p WHERE {self._where} AND p.is_read = 0", self._args)]

    def mark_all_read(self) -> int:
        """Mark every post of this timeline read; returns how many were unread."""
        return self.db.execute(f"UPDATE posts SET is_read = 1 WHERE id IN (SELECT p.id FROM "
                               f"posts p WHERE {self._where} AND p.is_read = 0)",
                               self._args).rowcount
