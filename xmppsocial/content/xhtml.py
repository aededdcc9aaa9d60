"""XHTML bodies: sanitising untrusted markup into the XHTML-IM subset, and its text.

Both directions pass through here: content read from the network (XHTML, or
HTML escaped in Atom) and content we publish (Markdown rendered to HTML,
imported feeds). Only a small, harmless vocabulary survives; scripts, styles,
frames and event attributes are dropped with their content. Walks are
iterative and depth-capped, so hostile nesting cannot exhaust the stack.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from xmppsocial.content.sanitize import clean_text, cut_note

XHTML = "http://www.w3.org/1999/xhtml"
DIV = f"{{{XHTML}}}div"
MAX_DEPTH = 48
MAX_NODES = 20_000

BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
          "h6", "hr", "figure", "figcaption", "table", "tr", "td", "th", "dl", "dt", "dd"}
INLINE = {"a", "em", "strong", "b", "i", "u", "s", "del", "ins", "code", "span", "br", "img",
          "sub", "sup", "cite", "q", "abbr", "mark", "small", "kbd", "tt"}
ALLOWED = BLOCKS | INLINE
# Dropped with everything inside them (and only that: what follows them stays).
DROPPED = {"script", "style", "iframe", "object", "embed", "applet", "frame", "frameset",
           "noscript", "template", "head", "title", "meta", "link", "base", "svg", "math",
           "form", "input", "button", "select", "textarea", "audio", "video", "canvas"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"},
              "ol": {"start"}}
SAFE_SCHEMES = ("http:", "https:", "xmpp:", "mailto:", "geo:", "gemini:")
VOID = {"br", "hr", "img"}  # kept elements that hold no content
IMPLIED_END = {"li", "p", "dt", "dd", "tr", "td", "th"}
FORMATTING_CUT = "[… some formatting left out: too deeply nested or too many elements]"


_SPACE = re.compile(r"\s")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def local_name(tag: str) -> str:
    """``{ns}name`` as ``name``, lower-cased; "" for comments and processing instructions."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def safe_url(url: str) -> str | None:
    """The URL if its scheme is one we would open; relative URLs pass, javascript: does not.

    The scheme comes back lower-cased (``HTTP://x`` is ``http://x``), so that every later
    check of it can be a plain prefix test.
    """
    if url.isprintable() and not _SPACE.search(url):
        cleaned = url  # the usual case, checked in C rather than one character at a time
    else:
        cleaned = "".join(ch for ch in url.strip() if ch.isprintable() and not ch.isspace())
    head = cleaned.split("/", 1)[0]
    if ":" in head:
        scheme = _SCHEME.match(cleaned)
        if scheme is None or not scheme.group().lower().startswith(SAFE_SCHEMES):
            return None
        cleaned = scheme.group().lower() + cleaned[scheme.end():]
    return cleaned[:2048]


class Builder:
    """Collects sanitised elements into an XHTML div, enforcing depth and size caps.

    Callers report a balanced stream of events: each ``start`` is matched by exactly one
    ``end``, with the element's content in between. The builder keeps its own record of
    what every open element became, so an ``end`` always closes the element it belongs
    to whatever it is called, and a dropped element takes exactly the events between its
    start and its end: text after it is never lost.
    """

    def __init__(self) -> None:
        self.root = ET.Element(DIV)
        self.stack: list[ET.Element] = [self.root]
        self.open: list[bool] = []  # per open element: whether it is on ``stack``
        self.dropped_at = -1  # len(open) when the outermost dropped element began, or -1
        self.nodes = 0
        self.cut = False

    def _tail_target(self) -> tuple[ET.Element, bool]:
        parent = self.stack[-1]
        return (parent[-1], True) if len(parent) else (parent, False)

    def text(self, data: str) -> None:
        if self.dropped_at >= 0 or not data:
            return
        data = clean_text(data)
        node, is_tail = self._tail_target()
        if is_tail:
            node.tail = (node.tail or "") + data
        else:
            node.text = (node.text or "") + data

    def start(self, name: str, attrs: Iterable[tuple[str, str | None]]) -> bool:
        """Open an element; False when it is dropped (its content need not be reported).

        Elements outside the safe vocabulary are unwrapped: the element goes, what it
        holds stays. Past the depth and element caps, allowed elements are unwrapped too.
        """
        if self.dropped_at >= 0:
            self.open.append(False)
            return False
        if name in DROPPED or not name:
            self.dropped_at = len(self.open)
            self.open.append(False)
            return False
        pushed = False
        if name in ALLOWED:
            if len(self.stack) > MAX_DEPTH or self.nodes >= MAX_NODES:
                self.cut = True
            else:
                element = ET.SubElement(self.stack[-1], f"{{{XHTML}}}{name}",
                                        _attributes(name, attrs))
                self.nodes += 1
                if name not in VOID:
                    self.stack.append(element)
                    pushed = True
        self.open.append(pushed)
        return True

    def end(self) -> None:
        """Close the innermost open element (an unmatched end is ignored)."""
        if not self.open:
            return
        if self.open.pop():
            self.stack.pop()
        if len(self.open) == self.dropped_at:
            self.dropped_at = -1

    def finish(self) -> ET.Element:
        if self.cut:
            ET.SubElement(self.root, f"{{{XHTML}}}p").text = FORMATTING_CUT
        return self.root


def _attributes(name: str, attrs: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    allowed = ATTRIBUTES.get(name)
    if not allowed:
        return {}
    kept = {}
    for key, value in attrs:
        key = local_name(key)
        if key in allowed:
            value = value or ""
            if key in ("href", "src"):
                url = safe_url(value)
                if url is None:
                    continue
                value = url
            kept[key] = value[:2048]
    return kept


def from_html(html: str) -> ET.Element:
    """Sanitised XHTML div from an HTML fragment (Atom ``type='html'``, Markdown output)."""
    from xmppsocial.content.html_reader import read_html  # most posts are XHTML: load it on demand

    return read_html(html, Builder())


def sanitise(element: ET.Element) -> ET.Element:
    """Sanitised copy of an XHTML tree (the div of ``type='xhtml'`` content)."""
    builder = Builder()
    builder.text(element.text or "")
    # An explicit stack instead of recursion: (element, entering?). A dropped element's
    # children are never visited; its tail is still read when it ends.
    stack: list[tuple[ET.Element, bool]] = [(child, True) for child in reversed(element)]
    while stack:
        node, entering = stack.pop()
        if entering:
            stack.append((node, False))
            if builder.start(local_name(node.tag), node.attrib.items()):
                builder.text(node.text or "")
                stack.extend((child, True) for child in reversed(node))
        else:
            builder.end()
            builder.text(node.tail or "")
    return builder.finish()


def plain_text(element: ET.Element) -> str:
    """Readable text of a sanitised div: blocks on their own lines, links with targets."""
    out: list[str] = []
    stack: list[tuple[ET.Element, bool]] = [(element, True)]
    while stack:
        node, entering = stack.pop()
        name = local_name(node.tag)
        if entering:
            if name in BLOCKS and out and not out[-1].endswith("\n"):
                out.append("\n")
            if name == "li":
                out.append("• ")
            if name == "img":
                out.append(f"[image: {node.get('alt') or node.get('src', '')}]")
            out.append(node.text or "")
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(list(node)))
        else:
            if name == "a" and node.get("href") and node.get("href") != "".join(node.itertext()):
                out.append(f" <{node.get('href')}>")
            if name == "br" or name in BLOCKS:
                out.append("\n")
            if node is not element:
                out.append(node.tail or "")
    text = "".join(out)
    lines = [line.rstrip() for line in text.split("\n")]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return "\n".join(collapsed).strip()


def cut(div: ET.Element, limit: int) -> ET.Element:
    """``div`` if its text fits in ``limit`` characters, else a copy holding the first
    ``limit`` of them (in document order, markup kept) and a last paragraph saying how
    many more there were."""
    total = sum(len(text) for text in div.itertext())
    if total <= limit:
        return div
    room, kept_chars = limit, 0

    def take(text: str | None) -> str | None:
        nonlocal room, kept_chars
        kept = (text or "")[:room]
        if len(kept) < len(text or ""):
            space = kept.rfind(" ")
            kept = kept[:space] if space > max(0, len(kept) - 80) else kept  # a whole word
            room = 0
        else:
            room -= len(kept)
        kept_chars += len(kept)
        return kept or None

    copy = ET.Element(div.tag, dict(div.attrib))
    copy.text = take(div.text)
    stack: list[tuple[ET.Element, ET.Element, bool]] = [(child, copy, True)
                                                        for child in reversed(div)]
    while stack and room > 0:
        node, parent, entering = stack.pop()
        if entering:
            clone = ET.SubElement(parent, node.tag, dict(node.attrib))
            clone.text = take(node.text)
            stack.append((node, clone, False))
            stack.extend((child, clone, True) for child in reversed(node))
        else:
            parent.tail = take(node.tail)  # ``parent`` is the node's clone here
    ET.SubElement(copy, f"{{{XHTML}}}p").text = cut_note(total - kept_chars)
    return copy


def to_string(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode")


def from_string(text: str) -> ET.Element:
    """Parse a stored div back (it was sanitised before it was stored)."""
    return ET.fromstring(text)
