"""Post bodies as styled terminal text (Rich ``Text``), never as markup.

Rich Text objects carry styles as spans beside the characters, so nothing in
a post can be read as Textual or Rich markup; every string that goes in has
been through sanitize first. Links are shown with their targets, because a
terminal reader cannot hover to see where a link goes. Output is capped:
a huge or absurdly nested post ends in a visible note, never in a freeze.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from xmppsocial.content import xhtml
from xmppsocial.content.sanitize import bound_tree, clean_line, clean_text, cut_note
from xmppsocial.model import ContentType, Post

if TYPE_CHECKING:
    from rich.text import Text

# Rich is imported only where a Text is made: the CLI prints plain text, and loading Rich
# would be a tenth of a one-shot command's start-up.

MAX_CHARS = 100_000
DATE_UNKNOWN = "date unknown"
STYLES = {"em": "italic", "i": "italic", "cite": "italic", "strong": "bold", "b": "bold",
          "u": "underline", "ins": "underline", "s": "strike", "del": "strike",
          "code": "reverse", "kbd": "reverse", "tt": "reverse", "mark": "reverse",
          "h1": "bold underline", "h2": "bold", "h3": "bold", "h4": "bold", "h5": "bold",
          "h6": "bold", "a": "underline", "q": "italic"}
PARAGRAPHS = {"p", "div", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "figure", "dl",
              "figcaption"}
LINES = {"tr", "dt", "dd"}  # blocks drawn as one line each, without a blank line between


class Body:
    """A rendered body before Rich sees it: clean characters, style spans, what was cut."""

    __slots__ = ("chars", "cut", "spans")

    def __init__(self, chars: str, spans: list[tuple[int, int, str]] | None = None,
                 cut: int = 0) -> None:
        self.chars, self.spans, self.cut = chars, spans or [], cut

    @property
    def plain(self) -> str:
        return self.chars + ("\n" + cut_note(self.cut) if self.cut else "")

    def text(self) -> Text:
        from rich.text import Span, Text

        text = Text(self.chars, spans=[Span(*span) for span in self.spans])
        if self.cut:
            text.append("\n" + cut_note(self.cut), "dim")
        return text


def render_post(post: Post) -> Text:
    """The body of a post, ready for a Static or a Line-API row. Never raises."""
    return _post_body(post).text()


def plain_post(post: Post) -> str:
    """What ``render_post`` shows, as plain text (for standard output and previews)."""
    return _post_body(post).plain


def _post_body(post: Post) -> Body:
    try:
        if post.body and post.body_type is ContentType.HTML:
            return _xhtml_body(xhtml.from_html(post.body), MAX_CHARS)
        if post.body and post.body_type is ContentType.XHTML:
            try:
                div = xhtml.from_string(post.body)
            except ET.ParseError:
                div = xhtml.from_html(post.body)
            # Bodies from parse_entry are sanitised already; the walk itself skips what
            # sanitising drops, so a hand-built body is safe too without a second pass.
            return _xhtml_body(bound_tree(div), MAX_CHARS)
    except Exception:  # a stored body we cannot read still has its text twin
        pass
    return _text_body(post.text or post.body)


def _text_body(text: str) -> Body:
    cleaned = clean_text(text)
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS] + "\n" + cut_note(len(cleaned) - MAX_CHARS)
    return Body(cleaned)


def date_label(post: Post) -> str:
    """When a post was published, as every view shows it, or "date unknown"."""
    return post.published.strftime("%Y-%m-%d %H:%M") if post.date_known else DATE_UNKNOWN


def render_text(text: str) -> Text:
    """Plain text, cleaned and capped, with no styles and no markup interpretation."""
    return _text_body(text).text()


def render_line(text: str, limit: int | None = None, style: str = "") -> Text:
    """One line of untrusted text (a title, a name) as Text, folded and cut at ``limit``."""
    from rich.text import Text

    return Text(clean_line(text, limit), style=style)


class _Writer:
    """Collects text and style spans, tracking its own end so no step re-reads the text."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.length = 0
        self.styles: list[str] = []
        self.prefix: list[str] = []  # quote bars and list indentation, per open block
        self.at_line_start = True
        self.newlines = 2  # trailing newlines written (2 at the start: no leading break)
        self.in_pre = 0
        self.space = False  # a space is owed before the next word on this line
        self.room = limit
        self.cut = 0

    def _append(self, chunk: str, style: str | None) -> None:
        if self.room <= 0:
            self.cut += len(chunk)
            return
        if len(chunk) > self.room:
            self.cut += len(chunk) - self.room
            chunk = chunk[:self.room]
        self.room -= len(chunk)
        self.parts.append(chunk)
        if style:
            self.spans.append((self.length, self.length + len(chunk), style))
        self.length += len(chunk)
        stripped = chunk.rstrip("\n")
        self.newlines = (self.newlines if not stripped else 0) + len(chunk) - len(stripped)

    def write(self, chunk: str, style: str | None = None) -> None:
        chunk = clean_text(chunk)
        if not chunk:
            return
        if not self.in_pre:
            # Outside <pre>, whitespace runs are one space and line breaks in the source are
            # layout; a space is only written once something follows it on the same line.
            words = " ".join(chunk.split())
            if chunk[:1].isspace() and not self.at_line_start:
                self.space = True
            if not words:
                return
            if self.space and not self.at_line_start:
                self._append(" ", None)  # unstyled: no underlined or reversed gap
            self.space = chunk[-1:].isspace()
            chunk = words
        for n, line in enumerate(chunk.split("\n")):
            if n:
                self.newline()
            if line:
                if self.at_line_start and self.prefix:
                    self._append("".join(self.prefix), "dim")
                self.at_line_start = False
                self._append(line, style or " ".join(self.styles) or None)

    def newline(self) -> None:
        self._append("\n", None)
        self.at_line_start, self.space = True, False

    def line_break(self) -> None:
        if not self.at_line_start:
            self.newline()

    def block_break(self) -> None:
        self.line_break()
        if self.newlines < 2:
            self.newline()

    def finish(self) -> Body:
        # Every part went through clean_text, so the body is built from clean characters.
        chars = "".join(self.parts).rstrip()
        end = len(chars)
        spans = [(start, min(stop, end), style) for start, stop, style in self.spans
                 if start < end]
        return Body(chars, spans, self.cut)


def render_xhtml(div: ET.Element, limit: int = MAX_CHARS) -> Text:
    """Sanitised XHTML as styled text: paragraphs, emphasis, lists, quotes, code, links."""
    return _xhtml_body(div, limit).text()


def _xhtml_body(div: ET.Element, limit: int) -> Body:
    out = _Writer(limit)
    ordinals: list[int | None] = []
    stack: list[tuple[ET.Element, bool]] = [(div, True)]
    while stack:
        node, entering = stack.pop()
        name = xhtml.local_name(node.tag)
        if out.room <= 0:
            out.cut += sum(len(t) for t in node.itertext()) if entering else 0
            continue
        if entering:
            if name in xhtml.DROPPED or not isinstance(node.tag, str):  # comments, PIs
                out.write(node.tail or "")
                continue
            _open(out, node, name, ordinals)
            out.write(node.text or "")
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(list(node)))
        else:
            _close(out, node, name, ordinals)
            if node is not div:
                out.write(node.tail or "")
    return out.finish()


def _open(out: _Writer, node: ET.Element, name: str, ordinals: list[int | None]) -> None:
    if name in PARAGRAPHS:
        out.block_break()
    elif name in LINES:
        out.line_break()
    elif name in ("td", "th"):
        if not out.at_line_start:
            out.write(" │ ", "dim")
    elif name in ("ul", "ol"):
        out.line_break() if ordinals else out.block_break()
        start = node.get("start", "1")
        ordinals.append(int(start) if name == "ol" and start.isdigit() and len(start) < 9
                        else None)
        out.prefix.append("  " if len(ordinals) > 1 else "")
    elif name == "li":
        out.line_break()
        number = ordinals[-1] if ordinals else None
        out.write(f"{number}. " if number is not None else "• ", None)
        if ordinals and number is not None:
            ordinals[-1] = number + 1
    elif name == "blockquote":
        out.block_break()
        out.prefix.append("▌ ")
    elif name == "hr":
        out.block_break()
        out.write("─" * 20, "dim")
    elif name == "br":
        out.newline()
    elif name == "img":
        label = clean_line(node.get("alt") or node.get("title") or "image", 80)
        out.write(f"[image: {label}]", "bold")
        src = clean_line(xhtml.safe_url(node.get("src") or "") or "", 2048)
        if src:
            out.write(f" <{src}>", "dim")
    if name == "pre":
        out.in_pre += 1
    if name in STYLES:
        out.styles.append(STYLES[name])


def _close(out: _Writer, node: ET.Element, name: str, ordinals: list[int | None]) -> None:
    if name in STYLES and out.styles:
        out.styles.pop()
    if name == "pre":
        out.in_pre -= 1
    if name == "a":
        href = clean_line(xhtml.safe_url(node.get("href") or "") or "", 2048)
        shown = clean_line("".join(node.itertext()), 2048)
        if href and href != shown and href.removeprefix("mailto:") != shown:
            out.write(f" <{href}>", "dim")
    elif name in ("ul", "ol"):
        if ordinals:
            ordinals.pop()
        if out.prefix:
            out.prefix.pop()
        out.line_break() if ordinals else out.block_break()
    elif name == "blockquote":
        if out.prefix:
            out.prefix.pop()
        out.block_break()
    elif name in PARAGRAPHS or name == "hr":
        out.block_break()
    elif name in LINES or name == "li":
        out.line_break()
