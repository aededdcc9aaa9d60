"""What one row of a timeline is: a post, or a mark in a blog's history.

Marks are rows of their own, placed among the posts by the same sort key:
"older posts of … not loaded" where a blog's read history stops (its
frontier) or has a gap (a hole), "loading older posts of …" while a page is
on its way, and "end of …" where the blog has nothing older.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from xmppsocial.content.render import DATE_UNKNOWN
from xmppsocial.content.sanitize import clean_line, clean_name
from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.store import TimelineEntry

SortKey = tuple[float, float]
RowKey = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostRow:
    """What one row of the feed pane shows about a post (already safe, plain text).

    ``deleted`` rows are posts retracted while in view: kept in place, without their
    text, until the rows are read again.
    """

    key: tuple[str, str, str]
    sort_key: SortKey
    author: str
    title: str
    preview: str
    when: datetime | None  # None: the post carries no usable date
    unread: bool = False
    likes: int = 0
    comments: int = 0
    liked: bool = False  # by me
    revision: str = ""
    deleted: bool = False
    tags: tuple[str, ...] = ()
    kind: ClassVar[str] = "post"

    def as_deleted(self) -> PostRow:
        return PostRow(self.key, self.sort_key, "", "", "", self.when, deleted=True)


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A place in one blog's history: ``kind`` is "more" (read no further back yet),
    "hole" (a gap inside what was read) or "end" (nothing older exists)."""

    kind: str
    feed: NodeRef
    sort_key: SortKey
    blog: str
    hole: int | None = None
    missing: int | None = None
    loading: bool = False
    problem: str = ""

    @property
    def key(self) -> RowKey:
        # The frontier of a feed is one row whether it says "more" or "end".
        which = f"hole:{self.hole}" if self.kind == "hole" else "frontier"
        return ("mark", self.feed.service, self.feed.node, which)

    @property
    def loads(self) -> bool:
        """Whether reaching this row can fetch something."""
        return self.kind in ("more", "hole")

    def title(self) -> str:
        """What the row says, on its own line."""
        if self.kind == "end":
            return f"end of {self.blog}"
        if self.loading:
            return f"loading older posts of {self.blog}…"
        count = f"{self.missing} older post{'s' * (self.missing != 1)}" \
            if self.missing else "older posts"
        return f"{count} of {self.blog} not loaded"

    def hint(self, offline: bool = False) -> str:
        """What can be done about it, under the title."""
        if self.kind == "end" or self.loading:
            return ""
        if self.problem:
            return f"could not be loaded: {self.problem} — enter to retry"
        return "offline: loads when back online" if offline else "enter to load"

    def label(self, offline: bool = False) -> str:
        hint = self.hint(offline)
        return f"{self.title()} — {hint}" if hint else self.title()


Row = PostRow | MarkRow


def repeated_by(entry: TimelineEntry) -> str:
    """Who repeated the post, when it is a repeat: on a person's blog only its owner
    publishes (content/microblog.py), so an entry by someone else there is a repeat."""
    service, node = entry.key[0], entry.key[1]
    jid = (entry.author_jid or "").lower()
    if "@" in service and node == MICROBLOG_NODE and jid and jid != service.lower():
        return service.split("@", 1)[0]
    return ""


def post_row(entry: TimelineEntry) -> PostRow:
    """A timeline entry of the store as a feed row, its text made safe for the terminal."""
    author = clean_name(entry.author)
    sharer = clean_name(repeated_by(entry))
    if sharer:
        author = f"{sharer} repeated {author}"
    return PostRow(key=entry.key, sort_key=entry.sort_key, author=author,
                   title=clean_line(entry.title, 300), preview=clean_line(entry.preview, 300),
                   when=entry.when, unread=entry.unread, likes=entry.likes,
                   liked=entry.liked, comments=entry.comments, revision=entry.digest,
                   tags=tuple(clean_line(t, 40) for t in entry.tags[:8]))


def age(when: datetime | None, now: datetime) -> str:
    """A short relative time: 45s, 12m, 3h, 5d, then the date; "date unknown" without one."""
    if when is None:
        return DATE_UNKNOWN
    seconds = max(0, int((now - when).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            count = seconds // size
            return f"{count}{unit}" if unit != "d" or count < 30 else when.strftime("%Y-%m-%d")
    return f"{seconds}s"


def blog_name(title: str, owner_name: str, service: str, node: str) -> str:
    """How rows name a blog: its title, else its owner's name ("Alice's blog")."""
    if title:
        return clean_line(title, 60)
    who = clean_name(owner_name) if owner_name else clean_line(service, 60)
    return f"{who}'s blog" if node == MICROBLOG_NODE else f"{who} ({clean_line(node, 40)})"
