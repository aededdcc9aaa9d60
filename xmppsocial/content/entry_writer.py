"""Writing XEP-0277 entries: strict, the union of what Movim and Libervia need.

Either peer silently drops a post that lacks one of these (protocol notes §7.3);
reading, which is liberal, is in content/microblog.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from xmppsocial.content import xhtml
from xmppsocial.content.microblog import ATOM, THR, TITLE_LIMIT, XML_LANG
from xmppsocial.content.sanitize import clean_line
from xmppsocial.model import ContentType, Post
from xmppsocial.uris import parse_post_uri, post_uri, pubsub_uri


def _a(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def format_date(when: datetime) -> str:
    """RFC 3339 in UTC with ``Z``, as both Movim and Libervia read it."""
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def touched(post: Post, now: datetime | None = None) -> Post:
    """The post as an edit: same item id, atom id and ``published``; ``updated`` moves on.

    ``updated`` moves at least one second, so two edits within a second still
    read as newer to peers that compare whole seconds.
    """
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    return replace(post, updated=max(when, post.updated.replace(microsecond=0)
                                     + timedelta(seconds=1)), raw="")


def body_div(post: Post) -> ET.Element:
    """The XHTML div to publish: the post's own markup, or its text as paragraphs."""
    if post.body and post.body_type is not ContentType.TEXT:
        if post.body.lstrip().startswith("<"):
            try:
                return xhtml.sanitise(xhtml.from_string(post.body))
            except ET.ParseError:
                pass
        return xhtml.from_html(post.body)
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
    """The Atom entry for a post, in the shape both Movim and Libervia accept.

    Always: id, a non-empty text title, published, updated, author (name and
    ``xmpp:`` bare JID), and with a body exactly one XHTML content (a single
    XHTML ``<div>``) plus its text twin (XEP-0277 §2.3; protocol notes §7.3).
    """
    entry = ET.Element(_a("entry"))
    if post.lang:
        entry.set(XML_LANG, post.lang)
    ET.SubElement(entry, _a("id")).text = post.atom_id or post.item_id
    title = post.title.strip() or clean_line(post.text, TITLE_LIMIT) or post.item_id
    ET.SubElement(entry, _a("title"), type="text").text = title
    ET.SubElement(entry, _a("published")).text = format_date(post.published)
    ET.SubElement(entry, _a("updated")).text = format_date(max(post.updated, post.published))
    author = ET.SubElement(entry, _a("author"))
    jid = (post.author.jid or post.publisher or post.service).split("/", 1)[0].strip().lower()
    ET.SubElement(author, _a("name")).text = post.author.name or jid.split("@", 1)[0]
    ET.SubElement(author, _a("uri")).text = f"xmpp:{jid}"
    text = post.text or (xhtml.plain_text(body_div(post)) if post.body else "")
    if text or post.body:
        ET.SubElement(entry, _a("content"), type="xhtml").append(body_div(post))
        ET.SubElement(entry, _a("content"), type="text").text = text
    ET.SubElement(entry, _a("link"), rel="alternate", href=post_uri(post.ref))
    if post.comments is not None:
        ET.SubElement(entry, _a("link"), rel="replies", title="comments",
                      href=pubsub_uri(post.comments.service, post.comments.node))
    for reply in post.in_reply_to:
        attrs = {}
        if reply.ref:
            attrs["ref"] = reply.ref
        href = post_uri(reply.target) if reply.target else reply.href
        if href:
            attrs["href"] = href
        if attrs:
            ET.SubElement(entry, f"{{{THR}}}in-reply-to", attrs)
    for link in (*post.links, *post.enclosures, *post.via):
        if link.rel == "alternate" and parse_post_uri(link.href) == post.ref:
            continue  # written above, once
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
