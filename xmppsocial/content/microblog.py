"""XEP-0277 / XEP-0472 entries: reading whatever peers publish, writing what they accept.

Reading is liberal (Movim, Libervia and plain XEP-0277 entries all differ,
see the protocol notes); anything that cannot be shown raises EntryError and
nothing else. Writing, which is strict, is in content/entry_writer.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from xmppsocial.content import xhtml
from xmppsocial.content.sanitize import bound_tree, clean_line, clean_name, clean_text, cut_text
from xmppsocial.model import (
    COMMENTS_NODE_PREFIX,
    Author,
    ContentType,
    InReplyTo,
    Link,
    NodeRef,
    Post,
)
from xmppsocial.uris import (
    bare_jid,
    jid_of_uri,
    parse_node_uri,
    parse_post_uri,
)

ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
TITLE_LIMIT = 80
FUTURE_SLACK = timedelta(days=1)


class EntryError(ValueError):
    """The entry cannot be shown; ``reason`` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _a(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def comments_node_name(item_id: str) -> str:
    """The comments node of a post (XEP-0277 §3.1; Movim rebuilds it from this exact prefix)."""
    return COMMENTS_NODE_PREFIX + item_id


# ---------------------------------------------------------------------- reading
def parse_entry(source: ET.Element | bytes | str, service: str, node: str, item_id: str,
                publisher: str | None = None, *, now: datetime | None = None,
                raw: str | None = None) -> Post:
    """Read one Atom entry published at (service, node, item_id) into a Post.

    Args:
        source: the ``<entry>`` element (or a pubsub ``<item>`` holding one), or its XML.
        service: the PubSub service (a bare JID for PEP blogs).
        node: the node the item came from.
        item_id: the PubSub item id, the post's identity.
        publisher: the item's publisher as the server reported it, if it did.
        now: the time used to pull far-future dates back (default: the clock).
        raw: the entry element's XML when the caller has already serialised it;
            serialising is the dearest step of reading an element, so it is done once.

    Raises:
        EntryError: the only error: the entry cannot be shown, with the reason.
    """
    try:
        entry, text = _as_element(source)
        if text is None and entry is source:
            text = raw
        return _read(entry, text, service, node, item_id, publisher, now or datetime.now(UTC))
    except EntryError:
        raise
    except Exception as exc:  # the contract: one declared error, whatever a peer sends
        raise EntryError(f"unreadable entry: {type(exc).__name__}: {exc}") from None


def _as_element(source: ET.Element | bytes | str) -> tuple[ET.Element, str | None]:
    """The entry element and, when given as text, that text (the raw form kept)."""
    if isinstance(source, ET.Element):
        root, raw = source, None
    else:
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            # expat expands internal entities: refuse them rather than risk an entity bomb.
            raise EntryError("entries with a DOCTYPE or entities are refused")
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            raise EntryError(f"not well-formed XML: {exc}") from None
        raw = text.strip()
    if root.tag != _a("entry"):
        # A whole pubsub <item> may hold forms or other payloads beside the entry.
        wrapped = root.find(_a("entry"))
        if wrapped is None:
            raise EntryError(f"payload is {clean_line(str(root.tag), 200)!r}, not an Atom entry")
        root, raw = wrapped, None
    bounded = bound_tree(root)
    return bounded, (raw if bounded is root else None)


def _read(entry: ET.Element, raw: str | None, service: str, node: str, item_id: str,
          publisher: str | None, now: datetime) -> Post:
    if not item_id:
        raise EntryError("item without an id")
    title_text, title_div = _titles(entry)
    body, body_type, text, shown = _content(entry)
    title_only = not body and not text
    if title_only and title_div is not None:
        # Libervia moves the body into <title> when there is no title.
        body, body_type, text = xhtml.to_string(title_div), ContentType.XHTML, title_text
        shown = title_text
    elif title_only:
        # Title-only posts: Movim's comments and "brief" posts.
        body, body_type, text, shown = title_text, ContentType.TEXT, title_text, title_text
    first_line = clean_line(shown.split("\n", 1)[0], TITLE_LIMIT)
    title = clean_line(title_text, TITLE_LIMIT * 3)
    # No separate title: none sent, the body sent as the title, or a title that only
    # repeats the body's first line (as we and others derive one).
    derived = not title or title_only or title == first_line
    title = title or first_line
    links, enclosures, via, comments = _links(entry)
    replies = _replies(entry)
    if not title:
        # Words are missing but the post still carries something (a photo, a link, a
        # share): show it under a title saying what it is rather than hide it.
        title, derived = _stand_in_title(enclosures, links, via, replies), True
    if not title:
        raise EntryError("entry has neither title nor content")
    published, updated, date_known = _dates(entry, now)
    owner = _owner(service, node, publisher)
    return Post(
        service=service, node=node, item_id=item_id, title=title,
        title_derived=derived, published=published, updated=updated,
        author=_author(entry, owner, bool(via)), body=body, body_type=body_type, text=text,
        atom_id=clean_line(entry.findtext(_a("id")) or "", 1024), publisher=owner,
        tags=_tags(entry), links=links, enclosures=enclosures, via=via,
        in_reply_to=replies, comments=comments,
        lang=clean_line(entry.get(XML_LANG, ""), 35) or None,
        raw=raw if raw is not None else ET.tostring(entry, encoding="unicode"),
        date_known=date_known,
    )


def _stand_in_title(enclosures: tuple[Link, ...], links: tuple[Link, ...],
                    via: tuple[Link, ...], replies: tuple[InReplyTo, ...]) -> str:
    """A title for an entry with no words: what it carries, in brackets (or "")."""
    for link in enclosures:
        kind = "image" if (link.type or "").startswith("image/") else "file"
        name = link.title or link.href.rstrip("/").rsplit("/", 1)[-1] or link.href
        return clean_line(f"[{kind}: {name}]", TITLE_LIMIT)
    for link in links:
        if not link.href.startswith("xmpp:"):
            return clean_line(f"[link: {link.title or link.href}]", TITLE_LIMIT)
    if via:
        return "[a repeated post]"
    return "[a shared post]" if replies else ""


def _owner(service: str, node: str, publisher: str | None) -> str | None:
    """Who published the item, as far as the network vouches for it.

    The server's word (the publisher attribute) first. Without it, on a person's PEP
    service only that person can publish (XEP-0163), on every node, so the owner it is;
    comments nodes are the exception, opened to everyone's comments (and Prosody hides
    their publishers), so there nobody is vouched for.
    """
    if publisher and (vouched := bare_jid(publisher)):
        return vouched
    if "@" in service and not node.startswith(COMMENTS_NODE_PREFIX):
        return _bare(service)
    return None


def _bare(jid: str) -> str:
    return jid.split("/", 1)[0].strip().lower()


def _type(element: ET.Element) -> str:
    return (element.get("type") or "text").strip().lower()


def _xhtml_div(element: ET.Element) -> ET.Element:
    div = element.find(xhtml.DIV)
    if div is None:
        # Not the required wrapper: take what is there rather than drop the post.
        div = ET.Element(xhtml.DIV)
        div.text = element.text
        div.extend(list(element))
    return xhtml.sanitise(div)


def _titles(entry: ET.Element) -> tuple[str, ET.Element | None]:
    """(title as text, the XHTML title's div if one was sent); a text title wins."""
    plain, div, typed = "", None, ""
    for title in entry.findall(_a("title")):
        kind = _type(title)
        if kind == "xhtml":
            div = _xhtml_div(title)
            found = xhtml.plain_text(div)
        elif kind == "html":
            found = xhtml.plain_text(xhtml.from_html(cut_text(title.text or "")))
        else:
            found = title.text or ""
        if found.strip() and (not plain or (kind == "text" and typed != "text")):
            plain, typed = found, kind
    return cut_text(clean_text(plain).strip()), div


def _content(entry: ET.Element) -> tuple[str, ContentType, str, str]:
    """(body markup or text, its type, its text twin, the text a reader sees) from the
    best content element."""
    by_type: dict[str, ET.Element] = {}
    for content in entry.findall(_a("content")):
        if content.get("src") and not (content.text or len(content)):
            continue  # out-of-line content (RFC 4287 §4.1.3.2): nothing to show here
        by_type.setdefault(_type(content), content)
    plain = by_type.get("text")
    plain_text = cut_text(clean_text(plain.text or "").strip()) if plain is not None else ""
    if "xhtml" in by_type:
        div = _xhtml_div(by_type["xhtml"])
        return _markup(div, plain_text)
    if "html" in by_type:
        return _markup(xhtml.from_html(cut_text(by_type["html"].text or "")), plain_text)
    if plain is not None:
        return plain_text, ContentType.TEXT, plain_text, plain_text
    summary = entry.find(_a("summary"))
    if summary is not None:
        if _type(summary) == "xhtml":
            return _markup(_xhtml_div(summary), "")
        if _type(summary) == "html":
            return _markup(xhtml.from_html(cut_text(summary.text or "")), "")
        text = cut_text(clean_text(summary.text or "").strip())
        return text, ContentType.TEXT, text, text
    return "", ContentType.TEXT, "", ""


def _markup(div: ET.Element, twin: str) -> tuple[str, ContentType, str, str]:
    shown = cut_text(xhtml.plain_text(div))
    if not shown and not len(div):
        return twin, ContentType.TEXT, twin, twin  # an empty div: the twin is all there is
    return xhtml.to_string(div), ContentType.XHTML, twin or shown, shown


def parse_date(text: str | None) -> datetime | None:
    """An aware UTC datetime from RFC 3339 text (``Z``, offsets, fractions), or None.

    Also takes the RFC 822 dates some feed bridges write. Leap seconds are
    folded into the second before; year 0 and out-of-range offsets give None.
    """
    if not text or len(text) > 64:
        return None
    value = text.strip()
    if value[-1:] in ("z", "Z"):
        value = value[:-1] + "+00:00"
    if value[16:19] == ":60":
        value = value[:16] + ":59" + value[19:]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(text.strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None  # e.g. 0001-01-01T00:00+05:00 lies before datetime.min in UTC


def _dates(entry: ET.Element, now: datetime) -> tuple[datetime, datetime, bool]:
    """(published, updated, whether the entry said when): one bad field never hides a post.

    A date more than a day ahead of ``now`` is not believed (it would sit on top of
    every timeline forever; a little clock skew between servers is normal). With no
    date to believe, the post is dated ``now``, when it arrived, and says so.
    """
    limit = now + FUTURE_SLACK

    def believed(name: str) -> datetime | None:
        when = parse_date(entry.findtext(_a(name)))
        return when if when is not None and when <= limit else None

    published, updated = believed("published"), believed("updated")
    published = published or updated
    updated = updated or published
    if published is None or updated is None:
        return now, now, False
    return published, max(updated, published), True


def _author(entry: ET.Element, owner: str | None, repeated: bool) -> Author:
    """Who to show as the author; see Author for the rules (XEP-0277 §9.1)."""
    element = entry.find(_a("author"))
    name = clean_name(element.findtext(_a("name")) or "") if element is not None else ""
    uri = clean_line(element.findtext(_a("uri")) or "", 512) if element is not None else ""
    claimed = jid_of_uri(uri)
    if owner is None:
        return Author(name=name, jid=claimed, uri=uri or None, verified=False)
    if claimed == owner:
        return Author(name=name, jid=owner, uri=uri or None, verified=True)
    if claimed is None:
        # No claim to check: the item is the publisher's, under whatever name it gives.
        return Author(name=name, jid=owner, uri=uri or None, verified=False)
    if repeated:
        # A repeat keeps the original author; the publisher is shown as who repeated it.
        return Author(name=name, jid=claimed, uri=uri or None, verified=False)
    # Someone publishing in another's name is shown as who they are.
    return Author(name="", jid=owner, uri=uri or None, verified=False)


def _base(element: ET.Element, entry: ET.Element) -> str:
    return element.get(XML_BASE) or entry.get(XML_BASE) or ""


def _link(element: ET.Element, base: str) -> Link | None:
    href = clean_line(element.get("href") or "", 4096)
    if base and href and ":" not in href.split("/", 1)[0]:
        href = urljoin(clean_line(base, 2048), href)
    href = xhtml.safe_url(href) or "" if href else ""
    if not href:
        return None
    length = (element.get("length") or "").strip()
    return Link(href=href, rel=clean_line(element.get("rel") or "alternate", 64).lower(),
                type=clean_line(element.get("type") or "", 128) or None,
                title=clean_line(element.get("title") or "", 256) or None,
                length=int(length) if length.isdigit() and len(length) < 19 else None)


def _links(entry: ET.Element) -> tuple[tuple[Link, ...], tuple[Link, ...], tuple[Link, ...],
                                       NodeRef | None]:
    links, enclosures, via = [], [], []
    comments = None
    for element in entry.findall(_a("link")):
        link = _link(element, _base(element, entry))
        if link is None:
            continue
        if link.rel == "replies" and comments is None and link.title in (None, "comments"):
            comments = parse_node_uri(link.href)
            if comments is not None:
                continue
        if link.rel == "enclosure":
            enclosures.append(link)
        elif link.rel == "via":
            via.append(link)
        else:
            links.append(link)
    return tuple(links), tuple(enclosures), tuple(via), comments


def _tags(entry: ET.Element) -> tuple[str, ...]:
    tags: list[str] = []
    for category in entry.findall(_a("category")):
        term = clean_line(category.get("term") or "", 64)
        if term and term not in tags:
            tags.append(term)
    return tuple(tags)


def _replies(entry: ET.Element) -> tuple[InReplyTo, ...]:
    out = []
    for element in entry.findall(f"{{{THR}}}in-reply-to"):
        ref = clean_line(element.get("ref") or "", 1024) or None
        href = clean_line(element.get("href") or "", 4096) or None
        target = parse_post_uri(href) if href else None
        if ref or href:
            out.append(InReplyTo(ref=ref, href=href, target=target))
    return tuple(out)
