"""Turning posts into rows and rows into what the timeline shows."""

from __future__ import annotations

import hashlib
import sqlite3
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from xmppsocial.content import xhtml
from xmppsocial.model import ContentType, Post

COLUMNS = ("service", "node", "item_id", "sort_ts", "published", "updated", "title", "text",
           "preview", "body", "body_type", "author_name", "author_jid", "author_verified", "publisher",
           "atom_id", "tags", "comments_service", "comments_node", "reply_service",
           "reply_node", "reply_item", "is_comment", "is_like", "raw", "digest", "received")
PREVIEW = 240


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One timeline row: enough to draw a line of the feed pane without the full post."""

    key: tuple[str, str, str]
    sort_key: tuple[float, int]
    author: str
    author_jid: str | None
    title: str
    preview: str
    when: datetime | None  # None: the post carries no usable date ("date unknown")
    unread: bool
    retracted: bool
    likes: int
    comments: int
    digest: str
    tags: tuple[str, ...] = ()
    liked: bool = False  # by me


def digest(post: Post) -> str:
    """What decides "changed": the entry as received, or the fields when it has no raw XML."""
    source = post.raw or repr((post.title, post.text, post.body, post.updated, post.tags))
    return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


def preview(post: Post) -> str:
    """The first words as a reader sees them (rendered, not Markdown source), one line."""
    text = post.text
    if post.body and post.body_type is not ContentType.TEXT:
        try:
            text = xhtml.plain_text(xhtml.from_string(post.body))
        except ET.ParseError:
            pass
    line = " ".join(text.split())[:PREVIEW]
    return "" if line == " ".join(post.title.split()) else line


def post_values(post: Post) -> tuple[object, ...]:
    # A repeat points at its original for Movim's sake (compose.repeat); it is no reply.
    reply = None if post.is_repeat else next(
        (r.target for r in post.in_reply_to if r.target is not None), None)
    return (
        post.service, post.node, post.item_id, post.published.timestamp(),
        post.published.isoformat() if post.date_known else "", post.updated.isoformat(),
        post.title, post.text,
        preview(post), post.body,
        post.body_type.value, post.author.display if post.author.name else "",
        post.author.jid, int(post.author.verified), post.publisher, post.atom_id,
        " ".join(post.tags), post.comments.service if post.comments else None,
        post.comments.node if post.comments else None,
        reply.service if reply else None, reply.node if reply else None,
        reply.item if reply else None, int(post.is_comment), int(post.is_like), post.raw,
        digest(post), time.time(),
    )


def entry_from_row(row: sqlite3.Row) -> TimelineEntry:
    return TimelineEntry(
        key=(row["service"], row["node"], row["item_id"]), sort_key=(row["sort_ts"], row["id"]),
        author=row["author_name"] or row["author_jid"] or row["service"],
        author_jid=row["author_jid"], title=row["title"], preview=row["preview"],
        when=datetime.fromtimestamp(row["sort_ts"], UTC) if row["published"] else None,
        unread=not row["is_read"],
        retracted=bool(row["retracted"]), likes=row["likes"], comments=row["comments"],
        liked=bool(row["liked"]) if "liked" in row.keys() else False,
        digest=row["digest"], tags=tuple(row["tags"].split()))
