"""My blog as an Atom feed, my follows as OPML: the way out to other readers.

The feed is valid RFC 4287 Atom, which XEP-0277 entries are not quite: an entry there
carries its XHTML body and a text twin, two ``<content>`` elements where Atom allows
one, and its ``<id>`` is whatever the publishing client chose (often a bare UUID, not
an IRI). Exported entries keep the XHTML body only and take the item's ``xmpp:`` URI,
stable and unique, as their id (Libervia writes the same). Every string in the document
goes through sanitize, as it does on a terminal: the file may well be shown on one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from xmppsocial.content.entry_writer import build_entry, format_date
from xmppsocial.content.microblog import ATOM
from xmppsocial.content.sanitize import clean_line, clean_text
from xmppsocial.model import NodeRef, Post
from xmppsocial.uris import post_uri, pubsub_uri


def atom_feed(blog: NodeRef, posts: list[Post], title: str = "") -> str:
    """A standalone Atom document of ``posts`` (newest first), readable by any feed reader."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title or f"{blog.service}'s blog"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = pubsub_uri(blog.service, blog.node)
    newest = max((p.updated for p in posts), default=datetime.now(UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = format_date(newest)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=pubsub_uri(blog.service, blog.node))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = blog.service.split("@", 1)[0]
    ET.SubElement(author, f"{{{ATOM}}}uri").text = f"xmpp:{blog.service}"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "xmppsocial"
    for post in posts:
        feed.append(atom_entry(post))
    _clean(feed)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def atom_entry(post: Post) -> ET.Element:
    """``post`` as an RFC 4287 entry: one content, the item's xmpp: URI as its id."""
    entry = build_entry(post)
    for twin in entry.findall(f"{{{ATOM}}}content")[1:]:  # the XHTML body comes first
        entry.remove(twin)
    entry.find(f"{{{ATOM}}}id").text = post_uri(post.ref)  # type: ignore[union-attr]
    if not post.date_known:  # nothing to say it was published then; updated is required
        entry.remove(entry.find(f"{{{ATOM}}}published"))  # type: ignore[arg-type]
    return entry


def _clean(root: ET.Element) -> None:
    """Text through clean_text, attribute values through clean_line, in place."""
    for element in root.iter():
        if element.text:
            element.text = clean_text(element.text)
        if element.tail:
            element.tail = clean_text(element.tail)
        for key, value in element.attrib.items():
            element.set(key, clean_line(value))


def opml(follows: list[NodeRef], owner: str) -> str:
    """An OPML list of followed blogs; each outline points at the blog's xmpp: URI."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"Blogs {owner} follows"
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime(
        "%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    for node in follows:
        ET.SubElement(body, "outline", type="xmpp", text=node.service,
                      title=node.service if node.node.startswith("urn:xmpp:microblog:0")
                      else f"{node.service} {node.node}",
                      xmlUrl=pubsub_uri(node.service, node.node))
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
