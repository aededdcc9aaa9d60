"""Atom and RSS web feeds (read with feedparser) turned into posts for an XMPP blog.

Importing must be repeatable and faithful. Every entry gets one identity, stable from
one run to the next and distinct from every other entry's (its id, else its link,
else its title and date; entries that still share one are told apart by what they
say, then by their place among identical ones), so importing the same feed again
publishes nothing and an edited entry replaces its earlier copy. Titles are read as
the text they stand for, plain-text bodies as text, dates as the feed gives them, and
a body too big for a server is cut with a visible note rather than refused.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from xmppsocial import __version__
from xmppsocial.content import xhtml
from xmppsocial.content.sanitize import clean_line, clean_name, clean_text, cut_text
from xmppsocial.model import MICROBLOG_NODE, Author, ContentType, Link, Post
from xmppsocial.uris import slugify

# What one published entry may weigh: under ejabberd's default item payload limit
# (250,000 bytes) and Prosody's stock stanza limit (256 KiB), with room for the request.
MAX_ENTRY_BYTES = 200_000
FUTURE_SLACK = timedelta(days=1)  # as microblog: later dates are not believed
HEADERS = ("content-type", "content-location", "content-language")
_IDENTITY = re.compile(r"-([0-9a-f]{12})$")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FeedError(ValueError):
    """The feed could not be fetched or read; the message says why."""


@dataclass
class FeedSource:
    """A feed's bytes and, when fetched over HTTP, where from and the headers that matter."""

    data: bytes
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FeedImport:
    title: str
    posts: list[Post] = field(default_factory=list)  # oldest first
    skipped: list[str] = field(default_factory=list)
    undated: set[str] = field(default_factory=set)  # item ids dated "now" for want of a date
    notes: list[str] = field(default_factory=list)  # worth telling the user (encodings, cuts)
    # item id -> the identity hash earlier versions gave the entry, where it differs
    legacy: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    new: list[Post] = field(default_factory=list)
    changed: list[Post] = field(default_factory=list)
    unchanged: list[Post] = field(default_factory=list)


def load_source(source: str, timeout: float = 20.0, max_bytes: int = 20_000_000) -> FeedSource:
    """A feed from a file path or an http(s) URL (blocking: call it off the loop)."""
    if "://" in source:
        if not source.lower().startswith(("http://", "https://")):
            raise FeedError(f"{source}: only http(s) URLs and files can be imported")
        request = urllib.request.Request(source, headers={
            "User-Agent": f"xmppsocial/{__version__}",
            "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                data = response.read(max_bytes + 1)
                url = response.geturl()
                headers = {name: response.headers[name] for name in HEADERS
                           if response.headers.get(name)}
        except urllib.error.HTTPError as exc:
            raise FeedError(f"{source}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FeedError(f"{source}: cannot be fetched ({reason})") from None
        # Relative links resolve against the document's own address (RFC 9110 §8.7).
        headers["content-location"] = urljoin(url, headers.get("content-location", ""))
        found = FeedSource(data, url, headers)
    else:
        path = Path(source).expanduser()
        try:
            with open(path, "rb") as handle:
                found = FeedSource(handle.read(max_bytes + 1))
        except OSError as exc:
            raise FeedError(f"{source}: cannot be read ({exc.strerror})") from None
    if len(found.data) > max_bytes:
        raise FeedError(f"{source}: larger than {max_bytes:,} bytes")
    return found


def _when(entry: Any, key: str, now: datetime) -> datetime | None:
    # dict.get, not entry.get: feedparser's own lookup maps a missing updated_parsed to
    # published_parsed (with a deprecation warning), which would hide "no update date".
    parsed = dict.get(entry, f"{key}_parsed")
    if not parsed:
        return None
    try:
        when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError):
        return None
    return when if when <= now + FUTURE_SLACK else None


def _dates(entry: Any, now: datetime) -> tuple[datetime, datetime] | None:
    """(published, updated) as the feed says them; Atom 0.3's ``created`` counts too."""
    published = _when(entry, "published", now) or _when(entry, "created", now)
    updated = _when(entry, "updated", now)
    published = published or updated
    if published is None:
        return None
    return published, max(updated or published, published)


def _primary(entry: Any, feed: str) -> str:
    """An entry's own identity: its id (guid), else its link, else its title and date.

    An absolute IRI names the entry everywhere. Anything else (an RSS guid such as "17",
    a relative link, a title) only names it within its feed, so it is prefixed with the
    feed's own identity: two feeds imported into one blog never share an item.
    """
    identity = str(entry.get("id") or entry.get("link") or "")
    if not identity:
        title = entry.get("title", "")
        date = entry.get("published", entry.get("updated", ""))
        identity = f"{title}|{date}" if title or date else ""
    return identity if _ABSOLUTE.match(identity) or not identity else f"{feed} {identity}"


def legacy_identity(entry: Any) -> str:
    """The identity earlier versions gave an entry (unscoped; empty ones collided)."""
    return str(entry.get("id") or entry.get("link")
               or f"{entry.get('title', '')}|{entry.get('published', entry.get('updated', ''))}")


def _said(entry: Any) -> str:
    """What an entry says, for telling apart entries that share an identity."""
    parts = [str(entry.get("title", "")), str(entry.get("summary", ""))]
    parts += [str(c.get("value", "")) for c in entry.get("content", [])]
    parts += [str(e.get("href", "")) for e in entry.get("enclosures", [])]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def identities(entries: list[Any], feed: str = "") -> list[str]:
    """One identity per entry, stable across runs and distinct within the feed.

    ``feed`` is the feed's own identity (its id, link or address), which scopes the
    identities that only mean something inside it. Entries still sharing one are told
    apart by what they say, then by their place among identical ones, counted from the
    end of the document, where feeds keep their oldest entries, so that entries added on
    top never renumber the ones already imported.
    """
    primaries = [_primary(entry, feed) for entry in entries]
    shared = Counter(primaries)
    seen: Counter[str] = Counter()
    out = [""] * len(entries)
    for index in range(len(entries) - 1, -1, -1):
        identity = primaries[index]
        if not identity or shared[identity] > 1:
            identity = f"{identity or feed}\x00{_said(entries[index])}"
        seen[identity] += 1
        out[index] = identity if seen[identity] == 1 else f"{identity}\x00#{seen[identity]}"
    return out


def _digest(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def item_id_for(identity: str, title: str) -> str:
    """Stable and URI-safe: a readable slug, then a hash of the entry's identity."""
    digest = _digest(identity)
    slug = slugify(title, 40)
    return f"{slug}-{digest}" if slug else f"entry-{digest}"


def _text_of(detail: Any, value: str) -> tuple[ET.Element | None, str]:
    """(sanitised div, its text) for markup, or (None, the text) for plain text."""
    # Not cut here: fit() cuts what is too long once, and its note counts all that is left out.
    if str(detail.get("type", "text/html")) in _HTML_TYPES:
        div = xhtml.from_html(value)
        return div, xhtml.plain_text(div)
    return None, clean_text(value).strip()


def _title(entry: Any) -> str:
    title = str(entry.get("title", ""))
    _, text = _text_of(entry.get("title_detail") or {"type": "text/plain"}, title)
    return clean_line(text, 300)


def _is_web(href: str) -> bool:
    return (xhtml.safe_url(href) or "").startswith(("http://", "https://"))


def _post(entry: Any, identity: str, service: str, node: str, author_name: str,
          lang: str | None, now: datetime) -> Post | None:
    title = _title(entry)
    detail: Any = {"type": "text/html"}
    value = ""
    if entry.get("content"):
        detail = entry["content"][0]
        value = str(detail.get("value", ""))
    elif entry.get("summary"):
        detail = entry.get("summary_detail") or detail
        value = str(entry["summary"])
    div, text = _text_of(detail, value)
    if not title and not text:
        return None
    published, updated = _dates(entry, now) or (now, now)
    item_id = item_id_for(identity, title or text)
    enclosures = tuple(
        Link(href=xhtml.safe_url(clean_line(str(e.get("href", "")), 2048)) or "",
             rel="enclosure", type=clean_line(str(e.get("type", "")), 128) or None,
             length=int(e["length"]) if str(e.get("length", "")).isdigit() else None)
        for e in entry.get("enclosures", []) if _is_web(str(e.get("href", ""))))
    link = str(entry.get("link", ""))
    links = (Link(href=xhtml.safe_url(clean_line(link, 2048)) or "", rel="related",
                  type="text/html"),) if _is_web(link) else ()
    tags = tuple(dict.fromkeys(clean_line(str(t.get("term", "")), 64)
                               for t in entry.get("tags", []) if t.get("term")))
    writer = entry.get("author_detail") or {}
    name = clean_name(str(writer.get("name") or entry.get("author") or "")) or author_name
    language = detail.get("language") or lang
    return Post(service=service, node=node, item_id=item_id,
                title=title or clean_line(text.split("\n", 1)[0], 80), title_derived=not title,
                published=published, updated=updated,
                author=Author(name=name, jid=service, verified=True),
                body=xhtml.to_string(div) if div is not None else text,
                body_type=ContentType.XHTML if div is not None else ContentType.TEXT,
                text=clean_text(text), lang=clean_line(str(language or ""), 35) or None,
                atom_id=clean_line(str(entry.get("id", "")), 512) or item_id,
                publisher=service, tags=tags, links=links, enclosures=enclosures)


def parse_feed(source: FeedSource | bytes, *, service: str, node: str = MICROBLOG_NODE,
               author_name: str = "", now: datetime | None = None) -> FeedImport:
    """Every usable entry of an Atom or RSS document, oldest first."""
    from xmppsocial.feeds.charset import EncodingError, parse

    if isinstance(source, bytes):
        source = FeedSource(source)
    try:
        parsed, notes = parse(source.data, source.headers)
    except EncodingError as exc:
        raise FeedError(f"cannot import {source.url or 'this feed'}: {exc}") from None
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a feed: {parsed.get('bozo_exception', 'unreadable')}")
    now = now or datetime.now(UTC).replace(microsecond=0)
    name = author_name or clean_name(str(parsed.feed.get("author", ""))) or \
        clean_name(str(parsed.feed.get("title", "")))
    result = FeedImport(clean_line(_title(parsed.feed), 300), notes=notes)
    lang = parsed.feed.get("language") or source.headers.get("content-language")
    entries = list(parsed.entries)
    scope = str(parsed.feed.get("id") or parsed.feed.get("link") or source.url
                or parsed.feed.get("title") or "")
    for entry, identity in zip(entries, identities(entries, scope), strict=True):
        post = _post(entry, identity, service, node, name, lang, now)
        if post is None:
            result.skipped.append(f"an entry with neither title nor content "
                                  f"({entry.get('id') or entry.get('link') or 'no id'})")
            continue
        if (old := _digest(legacy_identity(entry))) != _digest(identity):
            result.legacy[post.item_id] = old
        if _dates(entry, now) is None:
            result.undated.add(post.item_id)
        fitted = fit(post)
        if fitted is not post:
            result.notes.append(f"{post.title}: too long for one post, cut with a note")
        result.posts.append(fitted)
    result.posts.sort(key=lambda p: (p.published, p.item_id))
    return result


def _entry_bytes(post: Post) -> int:
    from xmppsocial.content.entry_writer import build_entry

    return len(ET.tostring(build_entry(post)))


def fit(post: Post, max_bytes: int = MAX_ENTRY_BYTES) -> Post:
    """``post`` if its entry fits in ``max_bytes``, else a copy whose body is cut (on a
    word, with a note saying how much was left out) so that it does."""
    # Each character is at most 5 bytes once serialised ("&" is "&amp;"): most posts are
    # far below the limit and need no serialising to know it.
    if 5 * (len(post.body) + len(post.text) + len(post.title)) + 4096 < max_bytes:
        return post
    size = _entry_bytes(post)
    limit = len(post.text)
    while size > max_bytes and limit > 0:
        limit = int(limit * max_bytes / size * 0.9)
        if post.body_type is ContentType.TEXT:
            text = cut_text(post.text, limit)
            cut = replace(post, body=text, text=text)
        else:
            div = xhtml.cut(xhtml.from_string(post.body), limit)
            cut = replace(post, body=xhtml.to_string(div), text=xhtml.plain_text(div))
        size = _entry_bytes(cut)
    return cut if limit < len(post.text) else post


def entry_digest(post: Post, with_date: bool = True) -> str:
    """What decides "changed" on re-import: the words, the update date, tags, files."""
    parts = [post.title, post.text.strip(), " ".join(post.tags),
             " ".join(e.href for e in post.enclosures)]
    if with_date:
        parts.append(post.updated.replace(microsecond=0).isoformat())
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def as_published(post: Post) -> Post:
    """The post as a reader gets it back from the blog: comparing that with what the
    blog holds compares like with like (a title-only entry reads back with its title as
    its text, for one)."""
    from xmppsocial.content.entry_writer import build_entry
    from xmppsocial.content.microblog import parse_entry

    return parse_entry(build_entry(post), post.service, post.node, post.item_id,
                       post.publisher or post.service, now=datetime.now(UTC))


def plan_import(posts: list[Post], existing: dict[str, Post],
                undated: set[str] | frozenset[str] = frozenset(),
                legacy: dict[str, str] | None = None) -> Plan:
    """Sort posts into new, changed and unchanged against what the blog already holds.

    An entry is found on the blog by its identity (the hash that ends its item id), so a
    retitled entry replaces its earlier copy. One imported by an earlier version under
    the identity it gave (``legacy``) counts only if it is unchanged: those identities
    could be shared by entries of different feeds. An entry without dates is compared on
    its words only (its date would be "now" every time), and a changed one keeps the date
    it was first published with.
    """
    by_identity: dict[str, Post] = {}
    for item_id, known in existing.items():
        if match := _IDENTITY.search(item_id):
            by_identity.setdefault(match.group(1), known)
    plan = Plan()
    for post in posts:
        dated = post.item_id not in undated
        known = existing.get(post.item_id)
        if known is None and (match := _IDENTITY.search(post.item_id)):
            known = by_identity.get(match.group(1))
        if known is None and post.item_id in (legacy or {}):
            earlier = by_identity.get((legacy or {})[post.item_id])
            if earlier is not None and entry_digest(earlier, dated) == entry_digest(
                    as_published(replace(post, item_id=earlier.item_id)), dated):
                plan.unchanged.append(replace(post, item_id=earlier.item_id))
                continue
        if known is None:
            plan.new.append(post)
            continue
        post = replace(post, item_id=known.item_id)
        if entry_digest(known, dated) == entry_digest(as_published(post), dated):
            plan.unchanged.append(post)
        elif dated:
            plan.changed.append(post)
        else:
            plan.changed.append(replace(post, published=known.published))
    return plan
