"""HTML fragments (Atom ``type='html'``, Markdown output, feeds) read into sanitised XHTML.

HTML in the wild is not balanced: implied ends (``<li>one<li>two``) are closed here, and
stray end tags close up to their match. What survives is decided by ``xhtml.Builder``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from xmppsocial.xhtml import IMPLIED_END, VOID

if TYPE_CHECKING:
    from xmppsocial.xhtml import Builder


class _HtmlReader(HTMLParser):
    def __init__(self, builder: Builder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.open: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.lower()
        if name in IMPLIED_END and self.open and self.open[-1][0] == name:
            self.handle_endtag(name)  # <li>one<li>two: the first item ends here
        kept = self.builder.start(name, {k.lower(): v or "" for k, v in attrs})
        if name not in VOID:
            self.open.append((name, kept))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.lower()
        kept = self.builder.start(name, {k.lower(): v or "" for k, v in attrs})
        if name not in VOID:
            self.builder.end(name, kept)

    def handle_endtag(self, tag: str) -> None:
        name = tag.lower()
        # Close up to the matching open element: HTML in the wild is not balanced.
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == name:
                while len(self.open) > depth:
                    open_name, kept = self.open.pop()
                    self.builder.end(open_name, kept)
                return

    def handle_data(self, data: str) -> None:
        self.builder.text(data)


def read_html(html: str, builder: Builder) -> ET.Element:
    """``html`` sanitised through ``builder`` into its XHTML div."""
    reader = _HtmlReader(builder)
    reader.feed(html)
    reader.close()
    while reader.open:
        name, kept = reader.open.pop()
        reader.builder.end(name, kept)
    return reader.builder.finish()
