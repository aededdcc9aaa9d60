"""HTML fragments (Atom ``type='html'``, Markdown output, feeds) read into sanitised XHTML.

HTML in the wild is not balanced, and ``xhtml.Builder`` needs a balanced stream of
events. This reader makes one: void elements (``<source>``, ``<input>``, ``<br>``) end
where they start, implied ends (``<li>one<li>two``) are closed here, a stray end tag
closes up to its match and one with no match is ignored, and whatever is still open at
the end is closed. What survives is decided by the builder.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from xmppsocial.content.xhtml import IMPLIED_END

if TYPE_CHECKING:
    from xmppsocial.content.xhtml import Builder

# Elements HTML never gives content or an end tag (WHATWG "void elements", with the
# obsolete ones browsers still treat so).
HTML_VOID = {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
             "image", "img", "input", "keygen", "link", "meta", "param", "source", "track",
             "wbr"}


class _HtmlReader(HTMLParser):
    def __init__(self, builder: Builder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.open: list[str] = []  # names of the elements open in the builder, in order

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.lower()
        if name in IMPLIED_END and self.open and self.open[-1] == name:
            self.handle_endtag(name)  # <li>one<li>two: the first item ends here
        self.builder.start(name, attrs)  # attribute names: lower-cased where they are kept
        if name in HTML_VOID:
            self.builder.end()
        else:
            self.open.append(name)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag.lower(), attrs)
        self.builder.end()

    def handle_endtag(self, tag: str) -> None:
        name = tag.lower()
        # Close up to the matching open element: HTML in the wild is not balanced.
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth] == name:
                while len(self.open) > depth:
                    self.open.pop()
                    self.builder.end()
                return
        if name == "br":  # </br> is read as <br> by every browser
            self.handle_startendtag(name, [])

    def handle_data(self, data: str) -> None:
        self.builder.text(data)


def read_html(html: str, builder: Builder) -> ET.Element:
    """``html`` sanitised through ``builder`` into its XHTML div."""
    reader = _HtmlReader(builder)
    reader.feed(html)
    reader.close()
    for _ in reader.open:
        builder.end()
    return builder.finish()
