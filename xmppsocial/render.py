"""Post bodies as styled terminal text (Rich ``Text``), never as markup.

Rich Text objects carry styles as spans beside the characters, so nothing in
a post can be read as Textual or Rich markup; every string that goes in has
been through sanitize first. Links are shown with their targets, because a
terminal reader cannot hover to see where a link goes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from rich.text import Text

from xmppsocial import xhtml
from xmppsocial.model import ContentType, Post
from xmppsocial.sanitize import clean_line, clean_text

MAX_CHARS = 100_000
STYLES = {"em": "italic", "i": "italic", "cite": "italic", "strong": "bold", "b": "bold",
          "u": "underline", "ins": "underline", "s": "strike", "del": "strike",
          "code": "reverse", "kbd": "reverse", "tt": "reverse", "mark": "reverse",
          "h1": "bold underline", "h2": "bold", "h3": "bold", "h4": "bold", "h5": "bold",
          "h6": "bold", "a": "underline", "q": "italic"}


def render_post(post: Post) -> Text:
    """The body of a post, ready for a Static or a Line-API row."""
    if post.body_type is not ContentType.TEXT and post.body:
        try:
            return render_xhtml(xhtml.from_string(post.body))
        except ET.ParseError:
            pass
    return render_text(post.text or post.body)


def render_text(text: str) -> Text:
    cleaned = clean_text(text)
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS] + f"\n[… cut: {len(cleaned) - MAX_CHARS:,} more characters]"
    return Text(cleaned)


class _Writer:
    def __init__(self) -> None:
        self.text = Text()
        self.styles: list[str] = []
        self.prefix: list[str] = []  # quote bars and list indentation, per open block
        self.at_line_start = True
        self.in_pre = 0

    def write(self, chunk: str) -> None:
        chunk = clean_text(chunk)
        if not chunk:
            return
        if not self.in_pre:
            # Source line breaks between tags are layout, not content (outside <pre>).
            if not chunk.strip():
                if "\n" in chunk or self.at_line_start:
                    return
                chunk = " "
            chunk = " ".join(chunk.split("\n"))
        for n, line in enumerate(chunk.split("\n")):
            if n:
                self.newline()
            if line:
                if self.at_line_start:
                    self.text.append("".join(self.prefix), "dim")
                    self.at_line_start = False
                self.text.append(line, " ".join(self.styles) or None)

    def newline(self) -> None:
        self.text.append("\n")
        self.at_line_start = True

    def block_break(self) -> None:
        plain = self.text.plain
        if not plain:
            return
        if not plain.endswith("\n"):
            self.newline()
        if not plain.endswith("\n\n"):
            self.newline()


def render_xhtml(div: ET.Element) -> Text:
    """Sanitised XHTML as styled text: paragraphs, emphasis, lists, quotes, code, links."""
    out = _Writer()
    ordinals: list[int | None] = []
    stack: list[tuple[ET.Element, bool]] = [(div, True)]
    while stack:
        node, entering = stack.pop()
        name = xhtml.local_name(node.tag)
        if len(out.text) > MAX_CHARS:
            out.newline()
            out.text.append("[… cut: the post is too long to show here]", "dim")
            break
        if entering:
            _open(out, node, name, ordinals)
            out.write(node.text or "")
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(list(node)))
        else:
            _close(out, node, name, ordinals)
            if node is not div:
                out.write(node.tail or "" if name not in xhtml.BLOCKS else
                          (node.tail or "").strip())
    out.text.rstrip()
    return out.text


def _open(out: _Writer, node: ET.Element, name: str, ordinals: list[int | None]) -> None:
    if name in ("p", "div", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "figure",
                "dl"):
        out.block_break()
    elif name in ("ul", "ol"):
        out.block_break()
        start = node.get("start", "1")
        ordinals.append(int(start) if name == "ol" and start.isdigit() else None)
        out.prefix.append("  " if len(ordinals) > 1 else "")
    elif name == "li":
        if not out.at_line_start:
            out.newline()
        number = ordinals[-1] if ordinals else None
        out.write(f"{number}. " if number is not None else "• ")
        if ordinals and number is not None:
            ordinals[-1] = number + 1
    elif name == "blockquote":
        out.block_break()
        out.prefix.append("▌ ")
    elif name == "hr":
        out.block_break()
        out.write("─" * 20)
    elif name == "br":
        out.newline()
    elif name == "img":
        label = clean_line(node.get("alt") or node.get("title") or "image", 80)
        out.text.append(f"[image: {label}]", "bold")
        if node.get("src"):
            out.text.append(f" <{clean_line(node.get('src', ''), 2048)}>", "dim")
    if name == "pre":
        out.in_pre += 1
    if name in STYLES:
        out.styles.append(STYLES[name])


def _close(out: _Writer, node: ET.Element, name: str, ordinals: list[int | None]) -> None:
    if name in STYLES and out.styles:
        out.styles.pop()
    if name == "pre":
        out.in_pre -= 1
        out.text.rstrip()
    if name == "a":
        href = clean_line(node.get("href") or "", 2048)
        shown = clean_line("".join(node.itertext()), 2048)
        if href and href != shown:
            out.text.append(f" <{href}>", "dim")
    elif name in ("ul", "ol"):
        if ordinals:
            ordinals.pop()
        if out.prefix:
            out.prefix.pop()
        out.block_break()
    elif name == "blockquote":
        if out.prefix:
            out.prefix.pop()
        out.block_break()
    elif name in xhtml.BLOCKS and name != "li":
        out.block_break()
