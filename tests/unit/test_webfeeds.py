"""Web feeds into posts: sanitised, dated, tagged, with stable item ids."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.loopback_http import serving
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.content.microblog import parse_entry
from xmppsocial.feeds.importing import FeedError, entry_digest, load_source, parse_feed, plan_import
from xmppsocial.uris import is_valid_item_id

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
ME = "rita@example.org"


def read(name: str):
    return parse_feed((FEEDS / name).read_bytes(), service=ME, now=NOW)


def test_atom_feed() -> None:
    feed = read("blog.atom")
    assert feed.title == "River Notes"
    assert [p.title for p in feed.posts] == ["Herons", "High water", "Undated note"]
    assert len(feed.skipped) == 1  # the entry with neither title nor content
    herons, high, undated = feed.posts
    assert high.text.startswith("The river rose two metres overnight.")
    assert "script" not in high.body and "javascript" not in high.body and "track()" not in high.text
    assert high.tags == ("river", "weather")
    assert [e.href for e in high.enclosures] == ["https://river.example/flood.jpg"]
    assert high.enclosures[0].length == 2048
    assert (high.published, high.updated) == (datetime(2026, 10, 1, 8, tzinfo=UTC),
                                              datetime(2026, 10, 2, 9, 30, tzinfo=UTC))
    assert herons.published == datetime(2026, 9, 20, 5, tzinfo=UTC)
    assert herons.text == "Three herons on the weir this morning."
    assert undated.published == NOW
    assert high.links[0].href == "https://river.example/high-water"
    assert high.author.name == "Rita" and high.author.jid == ME


def test_rss_feed() -> None:
    feed = read("blog.rss")
    bench, sharpening = sorted(feed.posts, key=lambda p: p.title)
    assert bench.title == "A new workbench" and bench.tags == ("wood",)
    assert "Oak top, pine legs." in bench.text and "iframe" not in bench.body
    assert bench.enclosures[0].type == "image/jpeg"
    assert sharpening.text == "Water stones, 1000 then 6000 grit."


def test_item_ids_are_stable_valid_and_distinct() -> None:
    first, second = read("blog.atom"), read("blog.atom")
    ids = [p.item_id for p in first.posts]
    assert ids == [p.item_id for p in second.posts]
    assert all(is_valid_item_id(i) for i in ids) and len(set(ids)) == len(ids)
    assert ids[1].startswith("high-water-")


def test_imported_posts_survive_the_wire_and_plan_sees_no_change() -> None:
    feed = read("blog.atom")
    published = {}
    for post in feed.posts:
        back = parse_entry(ET.tostring(build_entry(post)), service=ME, node=post.node,
                           item_id=post.item_id, publisher=ME, now=NOW)
        published[back.item_id] = back
    later = parse_feed((FEEDS / "blog.atom").read_bytes(), service=ME,
                       now=datetime(2026, 11, 2, tzinfo=UTC))  # "now" moved on
    plan = plan_import(later.posts, published, later.undated)
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (0, 0, 3)
    edited = [replace(p, text=p.text + " (more)") if p.title == "Herons" else p
              for p in feed.posts]
    plan = plan_import(edited, published, feed.undated)
    assert [p.title for p in plan.changed] == ["Herons"] and len(plan.unchanged) == 2
    assert entry_digest(edited[0]) != entry_digest(feed.posts[0])
    assert len(plan_import(feed.posts, {}).new) == 3


def test_load_from_file_and_refusals(tmp_path) -> None:
    assert load_source(str(FEEDS / "blog.rss")).data.startswith(b"<?xml")
    with pytest.raises(FeedError, match="cannot be read"):
        load_source(str(tmp_path / "missing.xml"))
    with pytest.raises(FeedError, match="only http"):
        load_source("ftp://example.org/feed.xml")
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"\x00\x01 definitely not xml", service=ME)


def test_load_from_a_loopback_http_server() -> None:
    body = (FEEDS / "blog.atom").read_bytes()
    routes = {"/feed": (body, {"Content-Type": "application/atom+xml"}),
              "/big": (b"x" * 3000, {"Content-Type": "application/atom+xml"})}
    with serving(routes) as base:
        assert load_source(f"{base}/feed").data == body
        with pytest.raises(FeedError, match="404"):
            load_source(f"{base}/gone")
        with pytest.raises(FeedError, match="larger than"):
            load_source(f"{base}/big", max_bytes=1000)
