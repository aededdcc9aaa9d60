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

from xmppsocial.sanitize import clean_text

XHTML = "http://www.w3.org/1999/xhtml"
DIV = f"{{{XHTML}}}div"
MAX_DEPTH = 48
MAX_NODES = 20_000

BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
          "h6", "hr", "figure", "figcaption", "table", "tr", "td", "th", "dl", "dt", "dd"}
INLINE = {"a", "em", "strong", "b", "i", "u", "s", "del", "ins", "code", "span", "br", "img",
          "sub", "sup", "cite", "q", "abbr", "mark", "small", "kbd", "tt"}
ALLOWED = BLOCKS | INLINE
# Dropped with everything inside them.
DROPPED = {"script", "style", "iframe", "object", "embed", "applet", "frame", "frameset",
           "noscript", "template", "head", "title", "meta", "link", "base", "svg", "math",
           "form", "input", "button", "select", "textarea", "audio", "video", "canvas"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"},
              "ol": {"start"}}
SAFE_SCHEMES = ("http:", "https:", "xmpp:", "mailto:", "geo:", "gemini:")
VOID = {"br", "hr", "img"}
IMPLIED_END = {"li", "p", "dt", "dd", "tr", "td", "th"}


_SPACE = re.compile(r"\s")


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def safe_url(url: str) -> str | None:
    """The URL if its scheme is one we would open; relative URLs pass, javascript: does not."""
    if url.isprintable() and not _SPACE.search(url):
        cleaned = url  # the usual case, checked in C rather than one character at a time
    else:
        cleaned = "".join(ch for ch in url.strip() if ch.isprintable() and not ch.isspace())
    lowered = cleaned.lower()
    if ":" in lowered.split("/", 1)[0] and not lowered.startswith(SAFE_SCHEMES):
        return None
    return cleaned[:2048]


class Builder:
    """Collects sanitised elements into an XHTML div, enforcing depth and size caps."""

    def __init__(self) -> None:
        self.root = ET.Element(DIV)
        self.stack: list[ET.Element] = [self.root]
        self.nodes = 0
        self.cut = False
        self.skipping = 0  # > 0 while inside a dropped element

    def _tail_target(self) -> tuple[ET.Element, bool]:
        parent = self.stack[-1]
        return (parent[-1], True) if len(parent) else (parent, False)

    def text(self, data: str) -> None:
        if self.skipping or not data:
            return
        data = clean_text(data)
        node, is_tail = self._tail_target()
        if is_tail:
            node.tail = (node.tail or "") + data
        else:
            node.text = (node.text or "") + data

    def start(self, name: str, attrs: dict[str, str]) -> bool:
        """Open an element; returns whether it was kept (so the caller knows to close it)."""
        if self.skipping or name in DROPPED:
            self.skipping += name not in VOID
            return False
        if name not in ALLOWED:
            return False
        if len(self.stack) > MAX_DEPTH or self.nodes >= MAX_NODES:
            self.cut = True
            return False
        self.nodes += 1
        kept = {}
        for key, value in attrs.items():
            if key in ATTRIBUTES.get(name, ()):
                if key in ("href", "src"):
                    url = safe_url(value or "")
                    if url is None:
                        continue
                    value = url
                kept[key] = (value or "")[:2048]
        element = ET.SubElement(self.stack[-1], f"{{{XHTML}}}{name}", kept)
        if name not in VOID:
            self.stack.append(element)
        return True

    def end(self, name: str, kept: bool) -> None:
        if self.skipping:
            if name in DROPPED:
                self.skipping -= 1
            return
        if kept and name not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def finish(self) -> ET.Element:
        if self.cut:
            note = ET.SubElement(self.root, f"{{{XHTML}}}p")
            note.text = "[… content cut: too deeply nested or too long]"
        return self.root


def from_html(html: str) -> ET.Element:
    """Sanitised XHTML div from an HTML fragment (Atom ``type='html'``, Markdown output)."""
    from xmppsocial.html_reader import read_html  # most posts are XHTML: load it on demand

    return read_html(html, Builder())


def sanitise(element: ET.Element) -> ET.Element:
    """Sanitised copy of an XHTML tree (the div of ``type='xhtml'`` content)."""
    builder = Builder()
    builder.text(element.text or "")
    # An explicit stack instead of recursion: (element, entering?, kept?)
    stack: list[tuple[ET.Element, bool, bool]] = [(child, True, False)
                                                  for child in reversed(list(element))]
    while stack:
        node, entering, kept = stack.pop()
        name = local_name(node.tag)
        if entering:
            kept = builder.start(name, {local_name(k): v for k, v in node.attrib.items()})
            stack.append((node, False, kept))
            if builder.skipping == 0 or not kept:
                stack.extend((child, True, False) for child in reversed(list(node)))
            builder.text(node.text or "")
        else:
            builder.end(name, kept)
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


def to_string(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode")


def from_string(text: str) -> ET.Element:
    """Parse a stored div back (it was sanitised before it was stored)."""
    return ET.fromstring(text)
