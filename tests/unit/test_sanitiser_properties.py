"""The sanitiser's bookkeeping, proven on generated trees rather than on examples.

Every text node of a generated body carries a unique marker. Whatever the shape, the
markers outside dropped elements must all come out, in order, and those inside must
not: a dropped element takes its own subtree and nothing else. The same holds for the
XHTML walk, for the same tree written as HTML, and for the renderer's own walk.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from xmppsocial.content import xhtml
from xmppsocial.content.html_reader import HTML_VOID, _HtmlReader
from xmppsocial.content.render import render_xhtml
from xmppsocial.content.sanitize import clean_text

X = "{http://www.w3.org/1999/xhtml}"
MARKER = re.compile(r"w\d+")
# Elements whose content HTML reads as text (so they cannot hold elements in HTML).
RAW_TEXT = {*_HtmlReader.CDATA_CONTENT_ELEMENTS,
            *getattr(_HtmlReader, "RCDATA_CONTENT_ELEMENTS", ())}
NAMES = sorted(xhtml.ALLOWED | xhtml.DROPPED | HTML_VOID
               | {"section", "font", "center", "blink", "custom-tag", "mi", "path", "g"})


@dataclass
class Node:
    name: str
    children: list[Node] = field(default_factory=list)
    text: bool = True
    tail: bool = True


def nodes(html: bool) -> st.SearchStrategy[Node]:
    """Trees of elements; for HTML, void elements are leaves without text and raw-text
    elements (script, style) leaves, as HTML has them."""
    def leaf(name: str, text: bool, tail: bool) -> Node:
        return Node(name, [], text and not (html and name in HTML_VOID), tail)

    def branch(children: st.SearchStrategy[list[Node]]) -> st.SearchStrategy[Node]:
        names = [n for n in NAMES if not (html and n in HTML_VOID | RAW_TEXT)]
        return st.builds(Node, st.sampled_from(names), children, st.booleans(), st.booleans())

    base = st.builds(leaf, st.sampled_from(NAMES), st.booleans(), st.booleans())
    return st.recursive(base, lambda kids: branch(st.lists(kids, max_size=4)), max_leaves=40)


def number(root: Node) -> tuple[list[tuple[str, bool]], ET.Element, str]:
    """(markers in document order with "visible?", the tree as XHTML, the tree as HTML)."""
    order: list[tuple[str, bool]] = []
    html: list[str] = []

    def mark(visible: bool) -> str:
        order.append((f"w{len(order)}", visible))
        return f" w{len(order) - 1} "

    div = ET.Element(f"{X}div")
    div.text = mark(True)
    html.append(div.text)
    # (node, its element's parent, dropped above it?) walked without recursion
    stack: list[tuple[Node | str, ET.Element, bool]] = [(root, div, False)]
    while stack:
        item, parent, dropped = stack.pop()
        if isinstance(item, str):  # an end: (closing tag, the element, visibility of its tail)
            html.append(item)
            if parent.get("tail") == "1":
                del parent.attrib["tail"]
                parent.tail = mark(not dropped)
                html.append(parent.tail)
            continue
        node = item
        element = ET.SubElement(parent, f"{X}{node.name}")
        inside = dropped or node.name in xhtml.DROPPED
        html.append(f"<{node.name}>")
        if node.text:
            element.text = mark(not inside)
            html.append(escape(element.text))
        if node.tail:
            element.set("tail", "1")
        end = "" if node.name in HTML_VOID else f"</{node.name}>"
        stack.append((end, element, dropped))
        stack.extend((child, element, inside) for child in reversed(node.children))
    return order, div, "".join(html)


def shown(text: str) -> list[str]:
    return MARKER.findall(text)


def expected(order: list[tuple[str, bool]]) -> list[str]:
    return [marker for marker, visible in order if visible]


@settings(max_examples=300, deadline=None)
@given(nodes(html=False))
def test_xhtml_keeps_every_text_outside_dropped_elements(root: Node) -> None:
    order, div, _ = number(root)
    clean = xhtml.sanitise(div)
    assert shown(xhtml.plain_text(clean)) == expected(order)
    assert shown(render_xhtml(clean).plain) == expected(order)
    # the renderer's own walk, on a tree nobody sanitised, agrees
    assert shown(render_xhtml(div).plain) == expected(order)


@settings(max_examples=300, deadline=None)
@given(nodes(html=True))
def test_html_keeps_every_text_outside_dropped_elements(root: Node) -> None:
    order, _, html = number(root)
    assert shown(xhtml.plain_text(xhtml.from_html(html))) == expected(order)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=120), st.booleans())
def test_unclosed_and_stray_tags_never_swallow_text(names: list[str], close: bool) -> None:
    # Open tags without their ends (or with ends in the wrong order): no element but a
    # dropped one can take the text after it.
    html = "".join(f"<{n}>w{i} " for i, n in enumerate(names))
    if close:
        html += "".join(f"</{n}>" for n in names)  # the wrong order, on purpose
    html += "w9999"
    seen = shown(xhtml.plain_text(xhtml.from_html(html)))
    first_drop = next((i for i, n in enumerate(names)
                       if n in xhtml.DROPPED and n not in HTML_VOID), None)
    if first_drop is None:
        assert seen == [f"w{i}" for i in range(len(names))] + ["w9999"]
    else:
        assert seen[:first_drop] == [f"w{i}" for i in range(first_drop)]


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.sampled_from(["span", "blockquote", "em"]))
def test_depth_caps_flatten_formatting_but_keep_every_word(depth: int, name: str) -> None:
    html = "".join(f"<{name}>w{i} " for i in range(depth)) + "</x>" * depth
    div = xhtml.from_html(html)
    text = xhtml.plain_text(div)
    assert shown(text) == [f"w{i}" for i in range(depth)]
    assert (xhtml.FORMATTING_CUT in text) == (depth > xhtml.MAX_DEPTH)


PRINTABLE = st.text(st.characters(categories=("L", "N", "P", "Zs")), max_size=60)


@given(PRINTABLE, st.sampled_from("\x90\x98\x9d\x9e\x9f"), PRINTABLE)
def test_a_stray_string_control_is_removed_alone(before: str, control: str, after: str) -> None:
    # No terminator follows: it is not a sequence, so only the control itself goes.
    assert clean_text(before + control + after) == before + after


@given(PRINTABLE, st.sampled_from("\x90\x98\x9d\x9e\x9f"), PRINTABLE, PRINTABLE)
def test_a_terminated_string_control_goes_whole(before: str, control: str, payload: str,
                                                after: str) -> None:
    assert clean_text(before + control + payload + "\x9c" + after) == before + after
