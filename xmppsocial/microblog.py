"""XEP-0277 / XEP-0472 entries: reading whatever peers publish, writing what they accept.

Reading is liberal (Movim, Libervia and plain XEP-0277 entries all differ,
see the protocol notes); anything that cannot be shown raises EntryError and
nothing else. Writing is strict: the union of what Movim and Libervia need,
or they silently drop the post.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from xmppsocial import xhtml
from xmppsocial.model import MICROBLOG_NODE, Author, ContentType, InReplyTo, Link, NodeRef, Post
from xmppsocial.sanitize import clean_line, clean_name, clean_text
from xmppsocial.uris import parse_node_uri, parse_post_uri, post_uri, pubsub_uri

ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_TEXT = 200_000   # characters of body kept; the rest is cut with a visible note
MAX_DEPTH = 400      # deeper entries are cut before they reach recursive serialisers
TITLE_LIMIT = 80
FUTURE_SLACK = timedelta(days=1)


class EntryError(ValueError):
    """The entry cannot be shown; ``reason`` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _a(name: str) -> str:
    return f"{{{ATOM}}}{name}"


# ---------------------------------------------------------------------- reading
def parse_entry(source: ET.Element | bytes | str, *, service: str, node: str, item_id: str,
                publisher: str | None = None, now: datetime | None = None) -> Post:
    """Read one Atom entry published at (service, node, item_id) into a Post.

    Args:
        source: the ``<entry>`` element, or its XML text.
        publisher: the item's publisher as the server reported it, if it did.
        now: the time used to pull far-future dates back (default: the clock).
    """
    try:
        entry = _as_element(source)
        return _read(entry, service, node, item_id, publisher, now or datetime.now(UTC))
    except EntryError:
        raise
    except (ValueError, TypeError, AttributeError, RecursionError, ET.ParseError) as exc:
        raise EntryError(f"unreadable entry: {type(exc).__name__}: {exc}") from None


def _as_element(source: ET.Element | bytes | str) -> ET.Element:
    if isinstance(source, ET.Element):
        return _cap_depth(source)
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # expat expands internal entities: refuse them rather than risk an entity bomb.
        raise EntryError("entries with a DOCTYPE or entities are refused")
    try:
        return _cap_depth(ET.fromstring(text))
    except ET.ParseError as exc:
        raise EntryError(f"not well-formed XML: {exc}") from None


def _cap_depth(root: ET.Element) -> ET.Element:
    """The same tree, or a copy without anything deeper than MAX_DEPTH (found iteratively)."""
    stack = [(root, 0)]
    too_deep = False
    while stack:
        element, depth = stack.pop()
        if depth >= MAX_DEPTH:
            too_deep = True
            break
        stack.extend((child, depth + 1) for child in element)
    if not too_deep:
        return root
    copy = ET.Element(root.tag, root.attrib)
    copy.text, pairs = root.text, [(root, copy, 0)]
    while pairs:
        original, clone, depth = pairs.pop()
        for child in original:
            if depth + 1 >= MAX_DEPTH:
                clone.text = (clone.text or "") + " […]"
                break
            sub = ET.SubElement(clone, child.tag, child.attrib)
            sub.text, sub.tail = child.text, child.tail
            pairs.append((child, sub, depth + 1))
    return copy


def _read(entry: ET.Element, service: str, node: str, item_id: str,
          publisher: str | None, now: datetime) -> Post:
    if entry.tag != _a("entry"):
        raise EntryError(f"payload is {entry.tag!r}, not an Atom entry")
    if not item_id:
        raise EntryError("item without an id")
    title_text, title_div = _titles(entry)
    body, body_type, text = _content(entry)
    if not body and not text and title_div is not None:
        # Libervia moves the body into <title> when there is no title.
        body, body_type = xhtml.to_string(title_div), ContentType.XHTML
        text = title_text
    elif not body and not text and title_text:
        body, body_type, text = title_text, ContentType.TEXT, title_text
    title, derived = clean_line(title_text, TITLE_LIMIT * 3), False
    if not title:
        title, derived = clean_line(text.split("\n", 1)[0], TITLE_LIMIT), True
    if not title and not text:
        raise EntryError("entry has neither title nor content")
    published, updated = _dates(entry, now)
    owner = publisher.split("/", 1)[0] if publisher else (
        service if node == MICROBLOG_NODE and "@" in service else None)
    links, enclosures, via, comments = _links(entry)
    return Post(
        service=service, node=node, item_id=item_id, title=title or "(untitled)",
        title_derived=derived, published=published, updated=updated,
        author=_author(entry, owner, bool(via)), body=body, body_type=body_type, text=text,
        atom_id=clean_line(entry.findtext(_a("id")) or "", 512), publisher=owner,
        tags=_tags(entry), links=links, enclosures=enclosures, via=via,
        in_reply_to=_replies(entry), comments=comments,
        lang=clean_line(entry.get(XML_LANG, ""), 35) or None,
        raw=ET.tostring(entry, encoding="unicode"),
    )


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
    """(title as one line of text, the XHTML title's div if one was sent)."""
    plain, div = "", None
    for title in entry.findall(_a("title")):
        kind = _type(title)
        if kind == "xhtml":
            div = _xhtml_div(title)
            plain = plain or xhtml.plain_text(div)
        elif kind == "html":
            plain = plain or xhtml.plain_text(xhtml.from_html(title.text or ""))
        elif not plain or kind == "text":
            plain = title.text or ""
    return clean_text(plain).strip(), div


def _content(entry: ET.Element) -> tuple[str, ContentType, str]:
    """(body markup or text, its type, plain text) from the best content element."""
    by_type: dict[str, ET.Element] = {}
    for content in entry.findall(_a("content")):
        by_type.setdefault(_type(content), content)
    plain = by_type.get("text")
    plain_text = _cut(clean_text(plain.text or "")) if plain is not None else ""
    if "xhtml" in by_type:
        div = _xhtml_div(by_type["xhtml"])
        return xhtml.to_string(div), ContentType.XHTML, plain_text or _cut(xhtml.plain_text(div))
    if "html" in by_type:
        div = xhtml.from_html(_cut(by_type["html"].text or ""))
        return xhtml.to_string(div), ContentType.XHTML, plain_text or xhtml.plain_text(div)
    if plain is not None:
        return plain_text, ContentType.TEXT, plain_text
    summary = entry.find(_a("summary"))
    if summary is not None:
        if _type(summary) in ("html", "xhtml"):
            div = (_xhtml_div(summary) if _type(summary) == "xhtml"
                   else xhtml.from_html(summary.text or ""))
            return xhtml.to_string(div), ContentType.XHTML, xhtml.plain_text(div)
        text = _cut(clean_text(summary.text or ""))
        return text, ContentType.TEXT, text
    return "", ContentType.TEXT, ""


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n[… cut: {len(text) - MAX_TEXT:,} more characters]"


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime from RFC 3339 text (``Z``, offsets, fractions), or None."""
    if not text:
        return None
    value = text.strip().replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _dates(entry: ET.Element, now: datetime) -> tuple[datetime, datetime]:
    published = parse_date(entry.findtext(_a("published")))
    updated = parse_date(entry.findtext(_a("updated")))
    published = published or updated
    updated = updated or published
    if published is None or updated is None:
        raise EntryError("entry has no usable date")
    # A post from the far future would sit on top of every timeline forever; a little
    # clock skew between servers is normal.
    limit = now + FUTURE_SLACK
    published = now if published > limit else published
    updated = now if updated > limit else updated
    return published, max(updated, published)


def _jid_of(uri: str | None) -> str | None:
    if not uri or not uri.strip().lower().startswith("xmpp:"):
        return None
    jid = uri.strip()[5:].lstrip("/").split("?", 1)[0].split("/", 1)[0]
    return clean_line(jid, 256).lower() if "@" in jid or "." in jid else None


def _author(entry: ET.Element, owner: str | None, repeated: bool) -> Author:
    element = entry.find(_a("author"))
    name = clean_name(element.findtext(_a("name")) or "") if element is not None else ""
    uri = clean_line(element.findtext(_a("uri")) or "", 512) if element is not None else ""
    claimed = _jid_of(uri)
    if owner is None:
        return Author(name=name, jid=claimed, uri=uri or None, verified=False)
    if claimed is None or claimed == owner.lower():
        return Author(name=name, jid=owner, uri=uri or None, verified=True)
    if repeated:
        # A repeat keeps the original author; the publisher is shown as who repeated it.
        return Author(name=name, jid=claimed, uri=uri or None, verified=False)
    # Someone publishing in another's name is shown as who they are.
    return Author(name="", jid=owner, uri=uri or None, verified=False)


def _link(element: ET.Element) -> Link | None:
    href = clean_line(element.get("href") or "", 4096)
    if not href:
        return None
    length = element.get("length")
    return Link(href=href, rel=clean_line(element.get("rel") or "alternate", 64),
                type=clean_line(element.get("type") or "", 128) or None,
                title=clean_line(element.get("title") or "", 256) or None,
                length=int(length) if length and length.isdigit() else None)


def _links(entry: ET.Element) -> tuple[tuple[Link, ...], tuple[Link, ...], tuple[Link, ...],
                                       NodeRef | None]:
    links, enclosures, via = [], [], []
    comments = None
    for element in entry.findall(_a("link")):
        link = _link(element)
        if link is None:
            continue
        if link.rel == "replies" and comments is None and (link.title in (None, "comments")):
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


# ---------------------------------------------------------------------- writing
def format_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def body_div(post: Post) -> ET.Element:
    """The XHTML div to publish: the post's own markup, or its text as paragraphs."""
    if post.body and post.body_type is not ContentType.TEXT:
        return xhtml.sanitise(xhtml.from_string(post.body)) if post.body.lstrip().startswith(
            "<") else xhtml.from_html(post.body)
    div = ET.Element(xhtml.DIV)
    for paragraph in (post.text or post.body).split("\n\n"):
        if paragraph.strip():
            p = ET.SubElement(div, f"{{{xhtml.XHTML}}}p")
            lines = paragraph.strip("\n").split("\n")
            p.text = lines[0]
            for line in lines[1:]:
                ET.SubElement(p, f"{{{xhtml.XHTML}}}br").tail = line
    return div


def build_entry(post: Post) -> ET.Element:
    """The Atom entry for a post, in the shape both Movim and Libervia accept."""
    entry = ET.Element(_a("entry"))
    if post.lang:
        entry.set(XML_LANG, post.lang)
    ET.SubElement(entry, _a("id")).text = post.atom_id or post.item_id
    title = post.title.strip() or clean_line(post.text, TITLE_LIMIT) or post.item_id
    ET.SubElement(entry, _a("title"), type="text").text = title
    ET.SubElement(entry, _a("published")).text = format_date(post.published)
    ET.SubElement(entry, _a("updated")).text = format_date(max(post.updated, post.published))
    author = ET.SubElement(entry, _a("author"))
    jid = post.author.jid or post.publisher or post.service
    ET.SubElement(author, _a("name")).text = post.author.name or jid.split("@", 1)[0]
    ET.SubElement(author, _a("uri")).text = f"xmpp:{jid}"
    text = post.text or (xhtml.plain_text(body_div(post)) if post.body else "")
    if text or post.body:
        content = ET.SubElement(entry, _a("content"), type="xhtml")
        content.append(body_div(post))
        ET.SubElement(entry, _a("content"), type="text").text = text
    ET.SubElement(entry, _a("link"), rel="alternate", href=post_uri(post.ref))
    if post.comments is not None:
        ET.SubElement(entry, _a("link"), rel="replies", title="comments",
                      href=pubsub_uri(post.comments.service, post.comments.node))
    for reply in post.in_reply_to:
        attrs = {}
        if reply.ref:
            attrs["ref"] = reply.ref
        href = reply.href or (post_uri(reply.target) if reply.target else None)
        if href:
            attrs["href"] = href
        ET.SubElement(entry, f"{{{THR}}}in-reply-to", attrs)
    for link in (*post.links, *post.enclosures, *post.via):
        if link.rel == "alternate" and link.href == post_uri(post.ref):
            continue
        attrs = {"rel": link.rel, "href": link.href}
        if link.type:
            attrs["type"] = link.type
        if link.title:
            attrs["title"] = link.title
        if link.length is not None:
            attrs["length"] = str(link.length)
        ET.SubElement(entry, _a("link"), attrs)
    for tag in post.tags:
        ET.SubElement(entry, _a("category"), term=tag)
    return entry
