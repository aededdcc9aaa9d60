"""The hostile corpus: the files here plus the generated giants."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"


def _entry(item: str, title: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = item
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = "2026-11-20T11:00:00Z"
    return entry


def huge_body(megabytes: int = 5) -> ET.Element:
    entry = _entry("huge-body", "A five megabyte body")
    content = ET.SubElement(entry, f"{{{ATOM}}}content", type="text")
    content.text = ("All work and no play. " * 48_000)[: megabytes * 1_000_000]
    return entry


def deep_xhtml(depth: int = 10_000) -> bytes:
    """As bytes: ElementTree cannot serialise a tree this deep (it recurses)."""
    head = (f"<entry xmlns='{ATOM}'><id>deep-xhtml</id><title>Ten thousand levels</title>"
            f"<updated>2026-11-20T11:01:00Z</updated><content type='xhtml'>"
            f"<div xmlns='{XHTML}'>")
    return (head + "<span>" * depth + "bottom" + "</span>" * depth
            + "</div></content></entry>").encode()


def corpus() -> dict[str, ET.Element | bytes]:
    """Item id -> entry (an element, or XML bytes where ElementTree cannot hold it)."""
    items: dict[str, ET.Element | bytes] = {}
    for path in sorted(HERE.glob("*.xml")):
        items[path.stem.replace("_", "-") + "-x"] = ET.parse(path).getroot()
    items["huge-body-x"] = huge_body()
    items["deep-xhtml-x"] = deep_xhtml()
    # XML carries C1 controls in attributes too: an item id that would clear the screen
    items[C1_ITEM_ID] = _entry("c1-in-item-id", "An item id with a terminal control in it")
    return items


C1_ITEM_ID = "c1-\x9b2J-in-id-x"
