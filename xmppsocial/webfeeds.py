"""Atom and RSS web feeds (read with feedparser) turned into posts for an XMPP blog.

Importing must be repeatable: an entry's item id is derived from its own
identity (id/guid, else link, else title and date), so importing the same
feed again changes nothing, and an edited entry replaces its earlier copy.
"""

from __future__ import annotations

import calendar
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from xmppsocial import __version__, xhtml
from xmppsocial.model import MICROBLOG_NODE, Author, ContentType, Link, Post
from xmppsocial.sanitize import clean_line, clean_text
from xmppsocial.uris import slugify


class FeedError(ValueError):
    """The feed could not be fetched or read; the message says why."""


@dataclass
class FeedImport:
    title: str
    posts: list[Post] = field(default_factory=list)  # oldest first
    skipped: list[str] = field(default_factory=list)
    undated: set[str] = field(default_factory=set)  # item ids dated "now" for want of a date


@dataclass
class Plan:
    new: list[Post] = field(default_factory=list)
    changed: list[Post] = field(default_factory=list)
    unchanged: list[Post] = field(default_factory=list)


def load_source(source: str, timeout: float = 20.0, max_bytes: int = 20_000_000) -> bytes:
    """A feed's bytes from a file path or an http(s) URL (blocking: call it off the loop)."""
    if "://" in source:
        if not source.lower().startswith(("http://", "https://")):
            raise FeedError(f"{source}: only http(s) URLs and files can be imported")
        request = urllib.request.Request(source, headers={
            "User-Agent": f"xmppsocial/{__version__}",
            "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                data = response.read(max_bytes + 1)
        except urllib.error.HTTPError as exc:
            raise FeedError(f"{source}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FeedError(f"{source}: cannot be fetched ({reason})") from None
    else:
        path = Path(source).expanduser()
        try:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise FeedError(f"{source}: cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise FeedError(f"{source}: larger than {max_bytes:,} bytes")
    return data


def _when(entry: Any, key: str) -> datetime | None:
    # dict.get, not entry.get: feedparser's own lookup maps a missing updated_parsed to
    # published_parsed (with a deprecation warning), which would hide "no update date".
    parsed = dict.get(entry, f"{key}_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError):
        return None


def item_id_for(entry: Any) -> str:
    """Stable and URI-safe: a readable slug plus a hash of the entry's own identity."""
    identity = (entry.get("id") or entry.get("link")
                or f"{entry.get('title', '')}|{entry.get('published', entry.get('updated', ''))}")
    digest = hashlib.sha256(str(identity).encode()).hexdigest()[:12]
    slug = slugify(str(entry.get("title", "")), 40)
    return f"{slug}-{digest}" if slug else f"entry-{digest}"


def _post(entry: Any, service: str, node: str, author_name: str, now: datetime) -> Post | None:
    title = clean_line(str(entry.get("title", "")), 300)
    html = ""
    if entry.get("content"):
        html = str(entry["content"][0].get("value", ""))
    elif entry.get("summary"):
        html = str(entry["summary"])
    div = xhtml.from_html(html)
    text = xhtml.plain_text(div)
    if not title and not text:
        return None
    published = _when(entry, "published") or _when(entry, "updated") or now
    updated = max(_when(entry, "updated") or published, published)
    item_id = item_id_for(entry)
    enclosures = tuple(
        Link(href=clean_line(str(e.get("href", "")), 2048), rel="enclosure",
             type=clean_line(str(e.get("type", "")), 128) or None,
             length=int(e["length"]) if str(e.get("length", "")).isdigit() else None)
        for e in entry.get("enclosures", []) if str(e.get("href", "")).startswith(
            ("http://", "https://")))
    link = str(entry.get("link", ""))
    links = (Link(href=clean_line(link, 2048), rel="related", type="text/html"),) \
        if link.startswith(("http://", "https://")) else ()
    tags = tuple(dict.fromkeys(clean_line(str(t.get("term", "")), 64)
                               for t in entry.get("tags", []) if t.get("term")))
    return Post(service=service, node=node, item_id=item_id,
                title=title or clean_line(text.split("\n", 1)[0], 80), title_derived=not title,
                published=published, updated=updated,
                author=Author(name=author_name, jid=service, verified=True),
                body=xhtml.to_string(div), body_type=ContentType.XHTML, text=clean_text(text),
                atom_id=clean_line(str(entry.get("id", "")), 512) or item_id,
                publisher=service, tags=tags, links=links, enclosures=enclosures)


def parse_feed(data: bytes, *, service: str, node: str = MICROBLOG_NODE,
               author_name: str = "", now: datetime | None = None) -> FeedImport:
    """Every usable entry of an Atom or RSS document, oldest first."""
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a feed: {parsed.get('bozo_exception', 'unreadable')}")
    now = now or datetime.now(UTC).replace(microsecond=0)
    name = author_name or clean_line(str(parsed.feed.get("author", "")), 64) or \
        clean_line(str(parsed.feed.get("title", "")), 64)
    result = FeedImport(clean_line(str(parsed.feed.get("title", "")), 300))
    for entry in parsed.entries:
        post = _post(entry, service, node, name, now)
        if post is not None and not (_when(entry, "published") or _when(entry, "updated")):
            result.undated.add(post.item_id)
        if post is None:
            result.skipped.append(f"an entry with neither title nor content "
                                  f"({entry.get('id') or entry.get('link') or 'no id'})")
        else:
            result.posts.append(post)
    result.posts.sort(key=lambda p: (p.published, p.item_id))
    return result


def entry_digest(post: Post, with_date: bool = True) -> str:
    """What decides "changed" on re-import: the words, the update date, tags, files."""
    parts = [post.title, post.text.strip(), " ".join(post.tags),
             " ".join(e.href for e in post.enclosures)]
    if with_date:
        parts.append(post.updated.replace(microsecond=0).isoformat())
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def plan_import(posts: list[Post], existing: dict[str, Post],
                undated: set[str] | frozenset[str] = frozenset()) -> Plan:
    """Sort posts into new, changed and unchanged against what the blog already holds.

    An entry without dates is compared on its words only (its date would be "now" every
    time), and a changed one keeps the date it was first published with.
    """
    plan = Plan()
    for post in posts:
        known = existing.get(post.item_id)
        if known is None:
            plan.new.append(post)
            continue
        dated = post.item_id not in undated
        if entry_digest(known, dated) == entry_digest(post, dated):
            plan.unchanged.append(post)
        elif dated:
            plan.changed.append(post)
        else:
            plan.changed.append(replace(post, published=known.published))
    return plan
