"""The readable plain-text twin of an XHTML body: the ``content type='text'`` we publish.

XEP-0277 asks for a text version next to the XHTML, and Libervia shows it as is in its
text views: it must read like a plain-text e-mail, not like Markdown source. So emphasis
markers are gone, links read ``text <url>``, paragraphs are separated by a blank line,
list items start with ``-`` or their number and quotations with ``>``. The input is a
div that went through the sanitiser (xhtml.py), so its depth is already capped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from xmppsocial.content.xhtml import local_name

_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
           "h6", "hr", "figure", "figcaption", "table", "tr", "td", "th", "dl", "dt", "dd"}
_SPACES = re.compile(r"[ \t\r\n]+")
_BREAK = "\x00"  # a <br>, until white space is tidied (XML text cannot hold a NUL)


def twin_text(div: ET.Element) -> str:
    """The plain text of a sanitised XHTML div, as a person would type it in an e-mail."""
    return "\n\n".join(block for block in _blocks(div) if block.strip()).strip()


def _blocks(element: ET.Element) -> list[str]:
    """The element's content as paragraphs (each may hold several lines)."""
    out: list[str] = []
    run: list[str] = []  # inline content waiting to become a paragraph

    def flush() -> None:
        text = _tidy("".join(run))
        if text:
            out.append(text)
        run.clear()

    run.append(element.text or "")
    for child in element:
        name = local_name(child.tag)
        if name in _BLOCKS:
            flush()
            out.extend(_block(child, name))
        else:
            run.append(_inline(child))
        run.append(child.tail or "")
    flush()
    return out


def _block(element: ET.Element, name: str) -> list[str]:
    if name == "pre":
        return ["".join(element.itertext()).strip("\n")]
    if name == "hr":
        return ["* * *"]
    if name == "blockquote":
        inner = "\n\n".join(_blocks(element))
        return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
    if name in ("ul", "ol"):
        return [_list(element, ordered=name == "ol")]
    if name == "table":
        return ["\n".join(_row(tr) for tr in element.iter() if local_name(tr.tag) == "tr")]
    if name in ("dd", "li"):
        return ["\n".join("  " + line for line in "\n\n".join(_blocks(element)).split("\n"))]
    if name in ("div", "figure", "dl"):
        return _blocks(element)
    # p, headings, figcaption, dt, td, th, a stray tr: one paragraph of inline content
    return ["\n\n".join(_blocks(element))]


def _list(element: ET.Element, ordered: bool) -> str:
    start = element.get("start", "1")
    number = int(start) if start.isdigit() else 1
    lines: list[str] = []
    for item in element:
        if local_name(item.tag) != "li":
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        # Loose items (paragraphs inside) read the same as tight ones.
        body = "\n".join(_blocks(item)) or ""
        first, *rest = body.split("\n")
        lines.append(marker + first)
        lines.extend((" " * len(marker) + line) if line else "" for line in rest)
    return "\n".join(lines)


def _row(tr: ET.Element) -> str:
    cells = [_tidy(_inline_content(cell)) for cell in tr
             if local_name(cell.tag) in ("td", "th")]
    return " | ".join(cells)


def _inline(element: ET.Element) -> str:
    """An inline element as text; its tail is the caller's."""
    name = local_name(element.tag)
    if name == "br":
        return _BREAK
    if name == "img":
        alt, src = element.get("alt", "").strip(), element.get("src", "")
        return f"{alt} <{src}>" if alt and src else alt or (f"<{src}>" if src else "")
    text = _inline_content(element)
    if name == "a":
        href = element.get("href", "")
        shown = _tidy(text)
        if not href or href in (shown, f"mailto:{shown}"):
            return text
        return f"{text} <{href}>" if shown else f"<{href}>"
    if name == "q":
        return f"“{text}”"
    return text


def _inline_content(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(_inline(child) if local_name(child.tag) not in _BLOCKS
                     else " " + " ".join(_blocks(child)) + " ")
        parts.append(child.tail or "")
    return "".join(parts)


def _tidy(text: str) -> str:
    """Runs of white space (source line breaks too) become one space; a <br> breaks the line."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split(_BREAK))
    return "\n".join(line for line in lines if line)
