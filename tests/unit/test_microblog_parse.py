"""Reading the entries real peers publish (fixtures written from the protocol notes)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xmppsocial.microblog import EntryError, parse_entry
from xmppsocial.model import MICROBLOG_NODE, ContentType, NodeRef, PostRef
from xmppsocial.render import render_post
from xmppsocial.sanitize import is_safe

ENTRIES = Path(__file__).resolve().parent.parent / "data" / "entries"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JULIET = "juliet@capulet.example"
GARDEN = "terrace-garden-finished-after-three-weekends-aB3dE9"


def read(name: str, service: str = JULIET, node: str = MICROBLOG_NODE,
         item_id: str = "item-000001", publisher: str | None = None):
    return parse_entry((ENTRIES / f"{name}.xml").read_bytes(), service=service, node=node,
                       item_id=item_id, publisher=publisher, now=NOW)


def test_movim_post() -> None:
    post = read("movim_post", item_id=GARDEN)
    assert post.title == "Terrace garden finished after three weekends"
    assert post.body_type is ContentType.XHTML
    assert render_post(post).plain == (
        "Planted tomatoes and basil.\n\n• six pots\n• one bench\n\n"
        "Seeds from this shop <https://seeds.example/tomatoes>.")
    assert post.author.name == "Juliet" and post.author.verified
    assert post.comments == NodeRef("comments.capulet.example",
                                    "urn:xmpp:microblog:0:comments/" + GARDEN)
    assert post.tags == ("garden", "spring")
    assert [e.href for e in post.enclosures] == ["https://upload.capulet.example/garden.jpg"]
    assert post.enclosures[0].type == "image/jpeg"
    assert [link.rel for link in post.links] == ["alternate", "related"]
    assert post.published == datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    # +02:00 makes `updated` earlier than `published`; an entry is never updated before it exists
    assert post.updated == post.published and not post.edited
    assert post.atom_id == GARDEN
    assert "Terrace garden" in post.raw


def test_movim_share_points_at_the_shared_post() -> None:
    post = read("movim_share", service="romeo@montague.example")
    assert post.title == "Look at this garden"
    (share,) = post.in_reply_to
    assert share.ref is None  # Movim sends only href
    assert share.target == PostRef(JULIET, MICROBLOG_NODE, GARDEN)


def test_movim_heart_comment_is_a_like() -> None:
    node = "urn:xmpp:microblog:0:comments/" + GARDEN
    post = read("movim_like_comment", service="comments.capulet.example", node=node,
                publisher="romeo@montague.example/phone")
    assert post.is_comment and post.is_like
    assert post.author.jid == "romeo@montague.example" and post.author.verified


def test_libervia_title_only_post_shows_its_title_as_the_body() -> None:
    post = read("libervia_title_only", service="nurse@verona.example")
    assert post.title == "Quick note: the bridge is open again."
    assert render_post(post).plain == "Quick note: the bridge is open again."
    assert post.atom_id.startswith("xmpp:nurse@verona.example?")
    assert post.lang == "en"
    assert post.comments == NodeRef("pubsub.verona.example",
                                    "urn:xmpp:microblog:0:comments/quick-note-Xy1_")


def test_libervia_repeat_keeps_the_original_author() -> None:
    post = read("libervia_repeat", service="romeo@montague.example")
    assert post.is_repeat
    assert post.author.jid == JULIET and not post.author.verified
    assert post.via[0].href.startswith("xmpp:juliet@capulet.example?")


def test_minimal_entry_without_updated_or_author() -> None:
    post = read("minimal_xep0277")
    assert post.title == "hanging out at the Café Napolitano"
    assert post.updated == post.published == datetime(2026, 9, 4, 18, 30, 2, 123456, tzinfo=UTC)
    assert post.author.jid == JULIET and post.author.verified  # the blog's owner


def test_spoofed_author_is_shown_as_the_publisher() -> None:
    post = read("hostile_markup", service="mallory@evil.example", publisher=None,
                node="urn:xmpp:microblog:0")
    assert post.author.jid == "mallory@evil.example"  # claims match: fine
    spoof = read("movim_post", service="mallory@evil.example")
    assert spoof.author.jid == "mallory@evil.example"
    assert spoof.author.name == "" and not spoof.author.verified
    assert spoof.author.display == "mallory@evil.example"


def test_hostile_markup_and_controls_are_neutralised() -> None:
    post = read("hostile_markup", service="mallory@evil.example")
    for text in (post.title, post.author.display, post.text, render_post(post).plain):
        assert is_safe(text), repr(text)
        assert "\u202e" not in text and "\x9b" not in text and "\x9d" not in text
    assert post.title.startswith("[b]bold?[/b]")  # shown literally, never as markup
    assert "alert" not in post.body and "<iframe" not in post.body and "script" not in post.body
    assert "javascript:" not in post.body and "file:" not in post.body
    assert "onclick" not in post.body


def test_far_future_dates_are_pulled_back_and_garbage_ignored() -> None:
    post = read("hostile_dates")
    assert post.published == NOW and post.updated == NOW


@pytest.mark.parametrize("xml, reason", [
    ("<feed xmlns='http://www.w3.org/2005/Atom'/>", "not an Atom entry"),
    ("<entry xmlns='http://www.w3.org/2005/Atom'><updated>2026-01-01T00:00:00Z</updated>"
     "</entry>", "neither title nor content"),
    ("<entry xmlns='http://www.w3.org/2005/Atom'><title>x</title></entry>", "no usable date"),
    ("<entry xmlns='http://www.w3.org/2005/Atom'><title>x</title><updated>yesterday</updated>"
     "</entry>", "no usable date"),
    ("<entry", "not well-formed"),
    ("<!DOCTYPE e [<!ENTITY a 'aaaa'>]><entry xmlns='http://www.w3.org/2005/Atom'>&a;</entry>",
     "DOCTYPE"),
])
def test_unshowable_entries_raise_entry_error(xml: str, reason: str) -> None:
    with pytest.raises(EntryError, match=reason):
        parse_entry(xml, service=JULIET, node=MICROBLOG_NODE, item_id="item-1", now=NOW)


def test_ten_thousand_deep_xhtml_is_cut_not_crashed() -> None:
    deep = ("<entry xmlns='http://www.w3.org/2005/Atom'><title>deep</title>"
            "<updated>2026-01-01T00:00:00Z</updated><content type='xhtml'>"
            "<div xmlns='http://www.w3.org/1999/xhtml'>" + "<span>" * 10_000 + "core"
            + "</span>" * 10_000 + "</div></content></entry>")
    post = parse_entry(ET.fromstring(deep), service=JULIET, node=MICROBLOG_NODE,
                       item_id="deep-1", now=NOW)
    shown = render_post(post).plain
    assert "cut" in shown or "[…]" in shown


def test_five_megabyte_body_is_cut_with_a_note() -> None:
    big = ("<entry xmlns='http://www.w3.org/2005/Atom'><title>big</title>"
           "<updated>2026-01-01T00:00:00Z</updated><content type='text'>"
           + "spam " * 1_000_000 + "</content></entry>")
    post = parse_entry(big, service=JULIET, node=MICROBLOG_NODE, item_id="big-001", now=NOW)
    assert len(post.text) < 300_000 and "more characters" in post.text
    assert len(render_post(post).plain) < 300_000
