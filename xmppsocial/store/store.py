"""Store: the offline-first cache of posts, feeds, read state, drafts and the outbox
(its operations live in outbox.py)."""

from __future__ import annotations

import sqlite3
import time
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from xmppsocial.model import NodeRef, Post, PostRef
from xmppsocial.store.database import CHECK_BUDGET, connect, copy_in_memory
from xmppsocial.store.graph import GraphStore
from xmppsocial.store.guard import GuardedConnection
from xmppsocial.store.history import History
from xmppsocial.store.lock import CacheLock
from xmppsocial.store.outbox import OutboxStore
from xmppsocial.store.rows import COLUMNS, post_values
from xmppsocial.store.timeline import Scope, Timeline

READ_CACHE = 2048  # posts re-read from raw entries kept in memory (a few MB at most)
_INSERT = (f"INSERT INTO posts ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in COLUMNS)})")
_UPDATE = (f"UPDATE posts SET {', '.join(f'{c} = ?' for c in COLUMNS[3:])}, retracted = 0 "
           "WHERE id = ?")
# A retracted post keeps only what tells a stale copy from a republication (its digest and
# date) and its place in time; none of what it said.
_FORGET = ("retracted = 1, title = '', text = '', preview = '', body = '', raw = '', "
           "author_name = '', tags = ''")


@dataclass
class UpsertResult:
    """What an upsert did, by post key.

    ``changed`` means the entry differs from the stored one (an edit, or a retracted post
    published again); ``gone`` lists copies of retracted posts that were not republished
    and so stay retracted.
    """

    new: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str, str]] = field(default_factory=list)
    gone: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Feed:
    """A node we know about: its title, who may read it, whether we follow it, paging cursor."""

    node: NodeRef
    title: str
    access_model: str
    followed: bool
    own: bool
    cursor: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """Unsent writing, keyed by what it is for (a new post, a reply, an edit)."""

    key: str
    title: str
    body: str
    tags: tuple[str, ...]
    audience: str
    saved: float


class Store(GraphStore, OutboxStore):
    """One SQLite file (or ``:memory:``). Not shared between threads: a worker thread opens
    its own Store on the same path."""

    def __init__(self, path: Path | str, *, on_damage: Callable[[str], None] | None = None,
                 read_only_reason: str = "", check_budget: float = CHECK_BUDGET) -> None:
        """Open the cache at ``path``; with ``read_only_reason`` (another instance owns the
        file), work on a copy in memory: nothing is written to the file, and the outbox
        is left to its owner."""
        self.path = path
        if read_only_reason:
            self.db = copy_in_memory(path)
        else:
            self.db = _guarded(connect(path, budget=check_budget), path, self._damaged)
        # Told once if the file turns out damaged while running (the store then goes on in
        # memory: see guard.py); the app shows it.
        self.on_damage = on_damage
        self.writer = not read_only_reason
        self.read_only_reason = read_only_reason
        self.lock: CacheLock | None = None  # released on close
        # Posts read back from their raw entries, by version: a thread is shown again on
        # every selection and every push to it, and re-reading 30 comments costs ~5 ms.
        self._read: OrderedDict[tuple[object, ...], Post | None] = OrderedDict()

    def _post(self, row: sqlite3.Row) -> Post | None:
        ref = PostRef(row["service"], row["node"], row["item_id"])
        key = (ref, row["digest"], row["publisher"], row["received"])
        if key in self._read:
            self._read.move_to_end(key)
            return self._read[key]
        post = self._read[key] = _reparse(ref, row["raw"], row["publisher"], row["received"])
        if len(self._read) > READ_CACHE:
            self._read.popitem(last=False)
        return post

    def _damaged(self, message: str) -> None:
        self._read.clear()
        if self.on_damage is not None:
            self.on_damage(message)

    @property
    def damage(self) -> str | None:
        """Why the file was given up while running, or None."""
        return getattr(self.db, "damage", None)

    def close(self) -> None:
        """Close the database (committed work is already on disk)."""
        self.db.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: writes inside commit together. Inside another transaction this
        simply joins it, so store methods compose."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ posts
    def upsert_posts(self, posts: Iterable[Post]) -> UpsertResult:
        """Insert new posts, replace changed ones (an edit), leave identical ones alone.

        A retracted post stays a tombstone against copies fetched before its retraction
        (the same entry, or an older ``updated``): only an entry that differs and is at
        least as recent is a republication, and brings the post back. The whole batch is
        one transaction: after a crash either all of it is stored or none.
        """
        result = UpsertResult()
        with self.transaction() as db:
            for post in posts:
                if not post.raw:
                    post = _with_raw(post)
                values = post_values(post)
                row = db.execute("SELECT id, digest, retracted, updated FROM posts WHERE "
                                 "service = ? AND node = ? AND item_id = ?", post.key).fetchone()
                same = row is not None and row["digest"] == values[COLUMNS.index("digest")]
                if row is None:
                    post_id = db.execute(_INSERT, values).lastrowid
                    result.new.append(post.key)
                elif row["retracted"] and (same or _older(post.updated, row["updated"])):
                    result.gone.append(post.key)
                    continue
                elif same:
                    result.unchanged.append(post.key)
                    continue
                else:
                    post_id = row["id"]
                    db.execute(_UPDATE, (*values[3:], post_id))
                    db.execute("DELETE FROM post_tags WHERE post_id = ?", (post_id,))
                    result.changed.append(post.key)
                db.executemany("INSERT OR IGNORE INTO post_tags (post_id, tag) VALUES (?, ?)",
                               [(post_id, tag.lower()) for tag in post.tags])
        return result

    def retract(self, refs: Iterable[PostRef]) -> list[PostRef]:
        """Mark posts gone: tombstones without their text, so that every view drops them and
        a stale copy fetched later does not bring them back. Returns those marked."""
        gone = []
        with self.transaction() as db:
            for ref in refs:
                row = db.execute("SELECT id FROM posts WHERE service = ? AND node = ? AND "
                                 "item_id = ? AND retracted = 0",
                                 (ref.service, ref.node, ref.item)).fetchone()
                if row is not None:
                    db.execute(f"UPDATE posts SET {_FORGET} WHERE id = ?", (row[0],))
                    db.execute("DELETE FROM post_tags WHERE post_id = ?", (row[0],))
                    gone.append(ref)
        return gone

    def purge_node(self, node: NodeRef) -> int:
        """A purged node: every post on it becomes a tombstone without text; returns how many."""
        with self.transaction() as db:
            db.execute("DELETE FROM post_tags WHERE post_id IN (SELECT id FROM posts WHERE "
                       "service = ? AND node = ?)", (node.service, node.node))
            return db.execute(f"UPDATE posts SET {_FORGET} WHERE service = ? AND node = ? AND "
                              "retracted = 0", (node.service, node.node)).rowcount

    def get_post(self, ref: PostRef) -> Post | None:
        """The stored post, re-read from its raw entry; None when unknown or retracted."""
        row = self.db.execute("SELECT service, node, item_id, raw, digest, publisher, received, "
                              "retracted FROM posts WHERE service = ? AND node = ? AND "
                              "item_id = ?", (ref.service, ref.node, ref.item)).fetchone()
        if row is None or row["retracted"]:
            return None
        return self._post(row)

    def find_item(self, item_id: str) -> PostRef | None:
        """A post known only by its item id (the command line names posts so): the newest
        visible one with that id, my own blog's first."""
        row = self.db.execute("SELECT p.service, p.node, p.item_id FROM posts p LEFT JOIN feeds "
                              "f ON f.service = p.service AND f.node = p.node WHERE "
                              "p.item_id = ? AND p.retracted = 0 ORDER BY coalesce(f.own, 0) "
                              "DESC, p.sort_ts DESC LIMIT 1", (item_id,)).fetchone()
        return PostRef(*row) if row else None

    def parent_of_comments(self, node: NodeRef) -> PostRef | None:
        """The post whose comments live on ``node``, when it is cached."""
        row = self.db.execute("SELECT service, node, item_id FROM posts WHERE comments_service = ? "
                              "AND comments_node = ? AND retracted = 0",
                              (node.service, node.node)).fetchone()
        return PostRef(*row) if row else None

    def posts_count(self) -> int:
        """Rows stored, tombstones and comments included."""
        return self.db.execute("SELECT count(*) FROM posts").fetchone()[0]

    # ------------------------------------------------------------------ timelines
    @property
    def history(self) -> History:
        """How far back each feed has been read (see store.history)."""
        return History(self.db)

    def timeline(self, scope: Scope | None = None) -> Timeline:
        """Pages over one scope (default: home, all I follow and my own blog)."""
        return Timeline(self.db, scope or Scope())

    def thread(self, post: Post) -> list[Post]:
        """Comments on the post's comments node and replies pointing at it, oldest first,
        likes left out (they are counted by likes())."""
        rows = self.db.execute(
            "SELECT service, node, item_id, raw, digest, publisher, received FROM posts "
            "WHERE retracted = 0 AND is_like = 0 AND ((service = ? AND node = ?) OR "
            "(reply_service = ? AND reply_node = ? AND reply_item = ?)) "
            "ORDER BY sort_ts, id",
            (post.comments.service if post.comments else None,
             post.comments.node if post.comments else None, *post.key)).fetchall()
        return [post for post in map(self._post, rows) if post is not None]

    def likes(self, post: Post) -> int:
        """How many people like the post (see likers)."""
        return self.likers(post).__len__()

    def likers(self, post: Post) -> set[str]:
        """Who likes the post, each once: authors of heart comments on its comments node
        (verified, or on a service that names no publisher) and attachment likes."""
        who = {row[0] for row in self.db.execute(
            "SELECT jid FROM attachment_likes WHERE service = ? AND node = ? AND item_id = ?",
            post.key)}
        if post.comments is not None:
            who |= {row[0] for row in self.db.execute(
                "SELECT author_jid FROM posts WHERE service = ? AND node = ? AND is_like = 1 "
                "AND (author_verified = 1 OR publisher IS NULL) AND retracted = 0",
                (post.comments.service, post.comments.node)) if row[0]}
        return who

    def set_attachment_likes(self, ref: PostRef, jids: Iterable[str]) -> None:
        """Replace the likes read from the post's attachments node (XEP-0470)."""
        with self.transaction() as db:
            db.execute("DELETE FROM attachment_likes WHERE service = ? AND node = ? AND "
                       "item_id = ?", (ref.service, ref.node, ref.item))
            db.executemany("INSERT INTO attachment_likes VALUES (?, ?, ?, ?)",
                           [(ref.service, ref.node, ref.item, jid) for jid in set(jids)])

    # ------------------------------------------------------------------ read state
    def mark_read(self, refs: Iterable[PostRef], read: bool = True) -> None:
        """Mark posts read (or unread again); kept across restarts."""
        with self.transaction() as db:
            db.executemany("UPDATE posts SET is_read = ? WHERE service = ? AND node = ? AND "
                           "item_id = ?", [(int(read), r.service, r.node, r.item) for r in refs])

    def is_unread(self, ref: PostRef) -> bool:
        """Whether a stored post is still unread (unknown posts are not)."""
        return self.db.execute("SELECT 1 FROM posts WHERE service = ? AND node = ? AND "
                               "item_id = ? AND is_read = 0",
                               (ref.service, ref.node, ref.item)).fetchone() is not None

    def mark_read_ids(self, ids: Iterable[int], read: bool = True) -> None:
        """The same by row id (Timeline.unread_ids): a whole view and its undo."""
        with self.transaction() as db:
            db.executemany("UPDATE posts SET is_read = ? WHERE id = ?",
                           [(int(read), i) for i in ids])

    def mark_own_read(self, jid: str) -> int:
        """Posts on my own blog are never unread; returns how many changed."""
        # The conditions of posts_unread_by_node: the update is a seek, not a scan.
        return self.db.execute("UPDATE posts INDEXED BY posts_unread_by_node SET is_read = 1 "
                               "WHERE service = ? AND is_read = 0 AND is_comment = 0 AND "
                               "retracted = 0", (jid,)).rowcount

    def unread_count(self, scope: Scope | None = None) -> int:
        """Unread posts in the home timeline, or in ``scope`` when given."""
        if scope is None or scope.kind in ("home", "unread"):
            return self.timeline(Scope("unread")).count()
        return self.timeline(scope).unread_count()

    # ------------------------------------------------------------------ feeds
    def set_feed(self, node: NodeRef, *, title: str | None = None,
                 access_model: str | None = None, followed: bool | None = None,
                 own: bool | None = None) -> None:
        """Record a feed (node), changing only the attributes given."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO feeds (service, node) VALUES (?, ?)",
                       (node.service, node.node))
            for column, value in (("title", title), ("access_model", access_model),
                                  ("followed", None if followed is None else int(followed)),
                                  ("own", None if own is None else int(own))):
                if value is not None:
                    db.execute(f"UPDATE feeds SET {column} = ? WHERE service = ? AND node = ?",
                               (value, node.service, node.node))

    def feed(self, node: NodeRef) -> Feed | None:
        """What we know about one node, or None."""
        row = self.db.execute("SELECT * FROM feeds WHERE service = ? AND node = ?",
                              (node.service, node.node)).fetchone()
        return _feed(row) if row else None

    def feeds(self, followed_only: bool = False) -> list[Feed]:
        """Known feeds, or only those followed and my own."""
        sql = "SELECT * FROM feeds" + (" WHERE followed = 1 OR own = 1" if followed_only else "")
        return [_feed(row) for row in self.db.execute(sql + " ORDER BY service, node")]

    def followed_nodes(self) -> list[NodeRef]:
        """The nodes home shows: followed feeds and my own blog."""
        return [feed.node for feed in self.feeds(followed_only=True)]

    def set_cursor(self, node: NodeRef, cursor: str | None) -> None:
        """Where paging through this feed's older items resumes (opaque to the store)."""
        self.db.execute("INSERT INTO feeds (service, node, cursor) VALUES (?, ?, ?) "
                        "ON CONFLICT (service, node) DO UPDATE SET cursor = excluded.cursor",
                        (node.service, node.node, cursor))

    # ------------------------------------------------------------------ drafts
    def save_draft(self, key: str, *, title: str = "", body: str = "",
                   tags: Iterable[str] = (), audience: str = "") -> None:
        """Cheap enough to call on every keystroke: one small row written in WAL."""
        self.db.execute("INSERT INTO drafts (key, title, body, tags, audience, saved) VALUES "
                        "(?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET title = excluded."
                        "title, body = excluded.body, tags = excluded.tags, audience = "
                        "excluded.audience, saved = excluded.saved",
                        (key, title, body, " ".join(tags), audience, time.time()))

    def draft(self, key: str) -> Draft | None:
        """The saved draft for ``key``, to restore after a crash or a cancel."""
        row = self.db.execute("SELECT * FROM drafts WHERE key = ?", (key,)).fetchone()
        return _draft(row) if row else None

    def drafts(self) -> list[Draft]:
        """Every draft, most recently saved first."""
        return [_draft(row) for row in self.db.execute("SELECT * FROM drafts ORDER BY saved DESC")]

    def delete_draft(self, key: str) -> None:
        """Forget a draft (sent or discarded)."""
        self.db.execute("DELETE FROM drafts WHERE key = ?", (key,))


def _guarded(db: sqlite3.Connection, path: Path | str,
             on_damage: Callable[[str], None]) -> sqlite3.Connection:
    if str(path) == ":memory:":
        return db
    return GuardedConnection(db, lambda: connect(":memory:"), on_damage,  # type: ignore[return-value]
                             str(path))


def _older(updated: datetime, stored: str) -> bool:
    """Whether ``updated`` is before the stored ISO date; unknown counts as not older."""
    try:
        return updated < datetime.fromisoformat(stored)
    except (TypeError, ValueError):  # naive against aware, or a date we cannot read
        return False


def _with_raw(post: Post) -> Post:
    from dataclasses import replace

    from xmppsocial.content.entry_writer import build_entry

    return replace(post, raw=ET.tostring(build_entry(post), encoding="unicode"))


def _reparse(ref: PostRef, raw: str, publisher: str | None, received: float) -> Post | None:
    from xmppsocial.content.microblog import EntryError, parse_entry

    # Dates are judged against the time the post arrived, not today.
    when = datetime.fromtimestamp(received, UTC) + timedelta(seconds=1)
    try:
        return parse_entry(raw, service=ref.service, node=ref.node, item_id=ref.item,
                           publisher=publisher, now=when)
    except EntryError:
        return None


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(NodeRef(row["service"], row["node"]), row["title"], row["access_model"],
                bool(row["followed"]), bool(row["own"]), row["cursor"])


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(row["key"], row["title"], row["body"], tuple(row["tags"].split()),
                 row["audience"], row["saved"])
