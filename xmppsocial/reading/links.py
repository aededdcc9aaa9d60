"""The web links a post offers to open: its enclosures, its Atom links, links in its body.

Only http(s) targets are offered (never javascript:, data: or xmpp:), each once,
in the order a reader meets them: attachments, the links the entry declares,
then the links of the text, in order; plain-text bodies give the URLs they spell.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from xmppsocial.content.sanitize import clean_line
from xmppsocial.model import ContentType, Post

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_TRAILING = ".,;:!?"


def web_links(post: Post) -> list[tuple[str, str]]:
    """(label, href) pairs, http(s) only, without repeats."""
    found: list[tuple[str, str]] = []
    for link in (*post.enclosures, *post.links):
        found.append((link.title or link.type or link.rel, link.href))
    found.extend(_body_links(post))
    out, seen = [], set()
    for label, href in found:
        href = href.strip()
        if href.lower().startswith(("http://", "https://")) and href not in seen:
            seen.add(href)
            out.append((clean_line(label or href, 80), href))
    return out


def _body_links(post: Post) -> list[tuple[str, str]]:
    if post.body and post.body_type is not ContentType.TEXT:
        try:
            if post.body_type is ContentType.HTML:
                from xmppsocial.content import xhtml

                div = xhtml.from_html(post.body)
            else:
                div = ET.fromstring(post.body)
        except (ET.ParseError, ValueError):
            div = None
        if div is not None:
            return [(" ".join("".join(a.itertext()).split()) or "link", a.get("href", ""))
                    for a in div.iter() if isinstance(a.tag, str)
                    and a.tag.rsplit("}", 1)[-1] == "a" and a.get("href")]
    text = post.text or post.body
    return [("link", m.group(0).rstrip(_TRAILING)) for m in _URL.finditer(text)]
