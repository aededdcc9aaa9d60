"""Markdown rebuilt from an XHTML body, so that editing a post starts from what was typed.

We publish the XHTML and a readable text twin, not the Markdown source (Libervia shows
the twin as is). An edit therefore turns the XHTML back into Markdown. For bodies we
rendered ourselves the round trip is exact (the tests check that rendering the result
gives the same XHTML); for anything else it is a faithful best effort.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from xmppsocial.content.xhtml import local_name

# Characters that could start Markdown syntax inside running text.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
# ... and at the start of a line: headings, quotes, list markers, rules.
_LINE_START = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_BREAK = "\x00"  # a <br> until white space is tidied (XML text cannot hold a NUL)


def markdown_of(div: ET.Element, bare_urls: bool = True) -> str:
    """Markdown that renders back to ``div``; ``bare_urls`` when the renderer linkifies."""
    return _Writer(bare_urls).blocks(div).strip()


class _Writer:
    def __init__(self, bare_urls: bool) -> None:
        self.bare_urls = bare_urls
        self.alternate = False  # the next list uses the other marker

    # ------------------------------------------------------------------ blocks
    def blocks(self, element: ET.Element) -> str:
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            text = _tidy("".join(run))
            if text:
                out.append(text)
            run.clear()

        run.append(_escape(element.text or ""))
        previous, out_run = "", bool(run[0].strip())
        for child in element:
            name = local_name(child.tag)
            if name in _BLOCK_WRITERS:
                flush()
                # Two lists in a row need different markers, or they read as one list.
                self.alternate = name in ("ul", "ol") and previous == name and not out_run
                block = _BLOCK_WRITERS[name](self, child)
                previous, out_run = name, False
                if block:
                    out.append(block)
            else:
                run.append(self.inline(child, _last(run)))
                out_run = True
            run.append(_escape(child.tail or ""))
            out_run = out_run or bool((child.tail or "").strip())
        flush()
        return "\n\n".join(out)

    def paragraph(self, element: ET.Element) -> str:
        return self.blocks(element)

    def heading(self, element: ET.Element) -> str:
        level = int(local_name(element.tag)[1])
        text = _tidy(self.inline_content(element))
        if "\\\n" in text and level <= 2:  # hard breaks fit only the underlined form
            return text + "\n" + ("===" if level == 1 else "---")
        text = text.replace("\\\n", " ").replace("\n", " ")
        if text.endswith("#"):  # would read as the heading's optional closing marks
            text = text[:-1] + "\\#"
        return "#" * level + " " + text

    def pre(self, element: ET.Element) -> str:
        code = "".join(element.itertext())
        fence = "```"
        while fence in code:
            fence += "`"
        code = code[:-1] if code.endswith("\n") else code  # the renderer adds one
        return f"{fence}\n{code}\n{fence}" if code else f"{fence}\n{fence}"

    def quote(self, element: ET.Element) -> str:
        inner = self.blocks(element)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))

    def rule(self, _element: ET.Element) -> str:
        return "---"

    def listing(self, element: ET.Element) -> str:
        ordered = local_name(element.tag) == "ol"
        start = element.get("start", "1")
        number = int(start) if start.isdigit() else 1
        items = [item for item in element if local_name(item.tag) == "li"]
        loose = any(local_name(c.tag) == "p" for item in items for c in item)
        bullet, dot = ("* ", ")") if self.alternate else ("- ", ".")
        self.alternate = False
        lines: list[str] = []
        for item in items:
            marker = f"{number}{dot} " if ordered else bullet
            number += 1
            body = self.blocks(item)
            if not loose:
                body = body.replace("\n\n", "\n")
            first, *rest = body.split("\n") if body else [""]
            lines.append(marker + first)
            lines.extend(" " * len(marker) + line if line else "" for line in rest)
            if loose:
                lines.append("")
        return "\n".join(lines).rstrip("\n")

    def table(self, element: ET.Element) -> str:
        rows = [tr for tr in element.iter() if local_name(tr.tag) == "tr"]
        if not rows:
            return ""
        cells = [[_tidy(self.inline_content(c)).replace("\n", " ")
                  for c in tr if local_name(c.tag) in ("td", "th")] for tr in rows]
        width = max(len(row) for row in cells)
        cells = [row + [""] * (width - len(row)) for row in cells]
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
        return "\n".join(lines)

    def container(self, element: ET.Element) -> str:
        return self.blocks(element)

    # ------------------------------------------------------------------ inline
    def inline(self, element: ET.Element, after: str = "") -> str:
        """``after``: what precedes it, so that two emphases in a row do not merge."""
        name = local_name(element.tag)
        if name == "br":
            return _BREAK
        if name == "img":
            return (f"![{_escape(element.get('alt', ''))}]"
                    f"({_destination(element.get('src', ''))})")
        if name == "code":
            return _code_span("".join(element.itertext()))
        text = self.inline_content(element)
        star = not after.endswith("*") or after.endswith("\\*")
        if name in ("strong", "b"):
            mark = "**" if star else "__"
            return f"{mark}{text}{mark}" if text.strip() else text
        if name in ("em", "i"):
            mark = "*" if star else "_"
            return f"{mark}{text}{mark}" if text.strip() else text
        if name in ("s", "del"):
            return f"~~{text}~~" if text.strip() else text
        if name == "a":
            href = element.get("href")
            if href is None:
                return text
            if href and text == _escape(href) and re.match(r"https?://", href):
                return href if self.bare_urls else f"<{href}>"
            return f"[{text}]({_destination(href)})"
        return text

    def inline_content(self, element: ET.Element) -> str:
        parts = [_escape(element.text or "")]
        for child in element:
            parts.append(self.inline(child, _last(parts)))
            parts.append(_escape(child.tail or ""))
        return "".join(parts)


_BLOCK_WRITERS = {
    "p": _Writer.paragraph, "pre": _Writer.pre, "blockquote": _Writer.quote,
    "hr": _Writer.rule, "ul": _Writer.listing, "ol": _Writer.listing, "table": _Writer.table,
    **{f"h{n}": _Writer.heading for n in range(1, 7)},
    **{name: _Writer.container for name in ("div", "figure", "figcaption", "li", "dl", "dt",
                                            "dd", "tr", "td", "th")},
}


def _last(parts: list[str]) -> str:
    return next((part for part in reversed(parts) if part), "")


def _escape(text: str) -> str:
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _tidy(text: str) -> str:
    """Lines without the white space Markdown would strip at their ends: a source line
    break stays a soft break, a <br> becomes a hard one."""
    hard = []
    for chunk in text.split(_BREAK):
        lines = [line.strip(" \t\r") for line in chunk.split("\n")]
        lines = [_ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", line))
                 for line in lines if line]
        hard.append("\n".join(lines))
    while hard and not hard[-1]:
        hard.pop()  # a break at the end of a paragraph shows nothing
    # Two trailing spaces would be lost to editors; a backslash is CommonMark's other hard break.
    return "\\\n".join(hard)


def _code_span(code: str) -> str:
    ticks = "`"
    while ticks in code:
        ticks += "`"
    # The renderer strips one space from each side when both sides have one.
    spaced = code[:1] == " " and code[-1:] == " " and code.strip(" ")
    pad = " " if code[:1] == "`" or code[-1:] == "`" or spaced else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _destination(url: str) -> str:
    if re.search(r"[\s<>]", url) or url.count("(") != url.count(")"):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url
