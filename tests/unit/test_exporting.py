"""The Atom export is valid RFC 4287: one content per entry, IRI ids, nothing unsafe."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from xmppsocial.content.microblog import ATOM, parse_entry
from xmppsocial.feeds.exporting import atom_feed
from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.uris import post_uri

ENTRIES = Path(__file__).resolve().parent.parent / "data"
ME = "juliet@capulet.example"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
A = f"{{{ATOM}}}"
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def posts():
    files = [ENTRIES / "entries" / "movim_post.xml", ENTRIES / "entries" / "libervia_title_only.xml",
             ENTRIES / "faithful" / "entries" / "date_missing.xml",
             ENTRIES / "faithful" / "entries" / "stray_c1.xml",
             ENTRIES / "faithful" / "entries" / "dropped_children_xhtml.xml"]
    return [parse_entry(path.read_bytes(), ME, MICROBLOG_NODE, f"item-{n}-x", ME, now=NOW)
            for n, path in enumerate(files)]


def test_exported_entries_are_valid_atom() -> None:
    exported = posts()
    text = atom_feed(NodeRef(ME), exported, title="Juliet's blog")
    feed = ET.fromstring(text)
    for name in ("id", "title", "updated", "author"):
        assert feed.find(A + name) is not None, name
    entries = feed.findall(A + "entry")
    assert len(entries) == len(exported)
    ids = [entry.findtext(A + "id") for entry in entries]
    assert ids == [post_uri(post.ref) for post in exported] and len(set(ids)) == len(ids)
    assert all(IRI.fullmatch(i) for i in ids)
    for entry in entries:
        assert len(entry.findall(A + "content")) <= 1  # RFC 4287 §4.1.1.3
        assert entry.findtext(A + "title") and entry.findtext(A + "updated")
        content = entry.find(A + "content")
        if content is not None:
            assert content.get("type") == "xhtml"
            assert [c.tag for c in content] == ["{http://www.w3.org/1999/xhtml}div"]
    # the undated post says no publication date rather than invent one
    undated = entries[2]
    assert undated.find(A + "published") is None and undated.findtext(A + "updated")
    parsed = feedparser.parse(text.encode())
    assert not parsed.bozo, parsed.bozo_exception
    assert [e.id for e in parsed.entries] == ids
    assert "After the video, the heron flew off." in parsed.entries[4].content[0].value
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
