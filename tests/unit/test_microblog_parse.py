"""Reading the entries real peers publish (fixtures written from the protocol notes)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from xmppsocial.content.microblog import EntryError, parse_date, parse_entry
from xmppsocial.content.render import render_post
from xmppsocial.content.sanitize import is_safe
from xmppsocial.model import MICROBLOG_NODE, ContentType, NodeRef, PostRef

ENTRIES = Path(__file__).resolve().parent.parent / "data" / "entries"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JULIET = "juliet@capulet.example"
ROMEO = "romeo@montague.example"
GARDEN = "terrace-garden-finished-after-three-weekends-aB3dE9"
COMMENTS = "urn:xmpp:microblog:0:comments/" + GARDEN


def read(name: str, service: str = JULIET, node: str = MICROBLOG_NODE,
         item_id: str = "item-000001", publisher: str | None = None):
    return parse_entry((ENTRIES / f"{name}.xml").read_bytes(), service, node, item_id,
                       publisher, now=NOW)


def entry(body: str) -> str:
    return f"<entry xmlns='http://www.w3.org/2005/Atom'>{body}</entry>"


def test_movim_post() -> None:
    post = read("movim_post", item_id=GARDEN)
    assert post.key == (JULIET, MICROBLOG_NODE, GARDEN)
    assert post.title == "Terrace garden finished after three weekends"
    assert not post.title_derived
    assert post.body_type is ContentType.XHTML
    assert render_post(post).plain == (
        "Planted tomatoes and basil.\n\n• six pots\n• one bench\n\n"
        "Seeds from this shop <https://seeds.example/tomatoes>.")
    assert post.text.startswith("Planted **tomatoes**")  # Movim's Markdown source, for edits
    assert post.author.name == "Juliet" and post.author.jid == JULIET and post.author.verified
    assert post.comments == NodeRef("comments.capulet.example", COMMENTS)
    assert post.tags == ("garden", "spring")
    assert [e.href for e in post.enclosures] == ["https://upload.capulet.example/garden.jpg"]
    assert (post.enclosures[0].type, post.enclosures[0].title) == ("image/jpeg", "garden.jpg")
    assert [(link.rel, link.title) for link in post.links] == [
        ("alternate", None), ("related", "Tomato seeds")]
    assert post.published == datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    # +02:00 makes `updated` earlier than `published`; an entry is never updated before it exists
    assert post.updated == post.published and not post.edited
    assert post.atom_id == GARDEN
    assert post.raw == (ENTRIES / "movim_post.xml").read_text().strip()


def test_raw_is_enough_to_read_the_post_again() -> None:
    post = read("movim_post", item_id=GARDEN)
    assert parse_entry(post.raw, JULIET, MICROBLOG_NODE, GARDEN, now=NOW) == post
    from_element = parse_entry(ET.fromstring(post.raw), JULIET, MICROBLOG_NODE, GARDEN, now=NOW)
    assert parse_entry(from_element.raw, JULIET, MICROBLOG_NODE, GARDEN,
                       now=NOW).text == post.text


def test_movim_share_points_at_the_shared_post() -> None:
    post = read("movim_share", service=ROMEO)
    assert post.title == "Look at this garden" and post.body == "Look at this garden"
    (share,) = post.in_reply_to
    assert share.ref is None  # Movim sends only href
    assert share.target == PostRef(JULIET, MICROBLOG_NODE, GARDEN)


def test_movim_heart_comment_is_a_like() -> None:
    post = read("movim_like_comment", service="comments.capulet.example", node=COMMENTS,
                publisher=ROMEO + "/phone")
    assert post.is_comment and post.is_like
    assert post.author.jid == ROMEO and post.author.verified


def test_movim_title_only_comment_reads_as_its_text() -> None:
    post = read("movim_comment", service="comments.capulet.example", node=COMMENTS,
                publisher=ROMEO)
    assert post.is_comment and not post.is_like
    assert post.text == post.title == "Looks great! Which variety are the tomatoes?"
    assert post.title_derived  # nothing to show above the text
    assert render_post(post).plain == post.text
    assert post.author.display == "Romeo" and post.author.verified


def test_comment_whose_author_is_not_its_publisher_is_shown_as_the_publisher() -> None:
    post = read("movim_comment", service="comments.capulet.example", node=COMMENTS,
                publisher="mallory@evil.example")
    assert not post.author.verified
    assert post.author.display == "mallory@evil.example"
    assert post.author.uri == "xmpp:romeo@montague.example"  # the claim, kept for a warning


def test_comment_without_publisher_cannot_be_verified() -> None:
    # Prosody strips `publisher` unless the node has itemreply=publisher.
    post = read("movim_comment", service="comments.capulet.example", node=COMMENTS)
    assert post.author.jid == ROMEO and not post.author.verified and post.publisher is None


def test_libervia_title_only_post_shows_its_title_as_the_body() -> None:
    post = read("libervia_title_only", service="nurse@verona.example")
    assert post.title == "Quick note: the bridge is open again."
    assert post.text == post.title and post.title_derived  # no separate preview or title
    assert render_post(post).plain == "Quick note: the bridge is open again."
    assert post.body_type is ContentType.XHTML and "em" in post.body
    assert post.atom_id.startswith("xmpp:nurse@verona.example?")
    assert post.lang == "en"
    assert post.comments == NodeRef("pubsub.verona.example",
                                    "urn:xmpp:microblog:0:comments/quick-note-Xy1_")


def test_libervia_repeat_keeps_the_original_author() -> None:
    post = read("libervia_repeat", service=ROMEO)
    assert post.is_repeat and post.publisher == ROMEO
    assert post.author.jid == JULIET and post.author.name == "Juliet"
    assert not post.author.verified
    assert post.via[0].href.startswith("xmpp:juliet@capulet.example?")


def test_libervia_item_with_an_access_form_beside_the_entry() -> None:
    post = read("libervia_item_with_form", item_id="garden-group-Zq8_")
    assert post.title == "Pour la famille" and post.lang == "fr"
    assert render_post(post).plain == "Les photos arrivent."
    # The entry is kept, not the item around it.
    assert "item-config" not in post.raw
    assert ET.fromstring(post.raw).tag == "{http://www.w3.org/2005/Atom}entry"


def test_minimal_entry_without_updated_or_author() -> None:
    post = read("minimal_xep0277")
    assert post.title == "hanging out at the Café Napolitano"
    assert post.updated == post.published == datetime(2026, 9, 4, 18, 30, 2, 123456, tzinfo=UTC)
    # No author to check: attributed to the blog's owner, but not "verified".
    assert post.author.jid == JULIET and not post.author.verified


def test_html_content_odd_links_and_feed_style_dates() -> None:
    post = read("html_and_odd_links", service="benvolio@montague.example")
    assert post.title == "Odd links & things"
    assert render_post(post).plain == (
        "First line\nsecond line\n\n[image: the cover] <https://cdn.montague.example/cover.png>")
    assert post.author.verified  # the resource in the author URI does not matter
    # Relative links resolved against xml:base; javascript: dropped.
    assert [(link.rel, link.href) for link in post.links] == [
        ("alternate", "https://blog.montague.example/posts/odd-links.html"),
        ("related", "https://blog.montague.example/about")]
    assert [(e.type, e.length) for e in post.enclosures] == [("audio/ogg", 12345),
                                                             ("image/png", None)]
    assert post.comments == NodeRef("pubsub.montague.example",
                                    "urn:xmpp:microblog:0:comments/odd-links")
    (reply,) = post.in_reply_to
    assert (reply.ref, reply.href, reply.target) == ("tag:capulet.example,2026:balcony", None,
                                                     None)
    assert post.tags == ("music",)
    assert post.published == datetime(2026, 9, 8, 0, 15, 30, 500000, tzinfo=UTC)
    assert post.updated == datetime(2026, 9, 8, 2, 0, tzinfo=UTC) and post.edited


def test_spoofed_author_is_shown_as_the_publisher() -> None:
    post = read("hostile_spoof", service="mallory@evil.example")
    assert post.author.jid == "mallory@evil.example" and post.author.name == ""
    assert not post.author.verified and post.author.display == "mallory@evil.example"
    # The link text pretends to be somewhere else; the real target is shown.
    assert "capulet.example <https://phish.example/login>" in render_post(post).plain


def test_hostile_markup_and_controls_are_neutralised() -> None:
    post = read("hostile_markup", service="mallory@evil.example")
    for text in (post.title, post.author.display, post.text, render_post(post).plain):
        assert is_safe(text), repr(text)
        assert "\u202e" not in text and "\u200b" not in text
    assert post.title == "[b]bold?[/b] [link=https://evil.example]click[/link] [@click=app.quit]x[/]"
    assert post.author.name == "nimda [red]admin[/red]"
    assert render_post(post).plain == "hi js file"
    for bad in ("alert", "<iframe", "script", "javascript:", "file:", "onclick"):
        assert bad not in post.body


def test_far_future_and_year_zero_dates_are_not_believed() -> None:
    post = read("hostile_dates")
    # shown, dated when it arrived, and saying its date is unknown
    assert post.published == NOW and post.updated == NOW and not post.date_known
    assert not post.edited


@pytest.mark.parametrize("dates", [
    "", "<updated>yesterday</updated>", "<published>soon</published><updated>?</updated>",
    "<updated>0000-01-01T00:00:00Z</updated>", "<updated>9999-12-31T23:59:59-05:00</updated>",
    "<published>9999-12-31T23:59:59Z</published>",
])
def test_an_entry_without_a_usable_date_is_shown_as_date_unknown(dates: str) -> None:
    post = parse_entry(entry(f"<title>Still here</title>{dates}"), JULIET, MICROBLOG_NODE,
                       "item-1", now=NOW)
    assert post.title == "Still here" and not post.date_known and post.published == NOW


def test_a_near_future_date_is_kept() -> None:
    soon = NOW + timedelta(hours=1)
    post = parse_entry(entry(f"<title>x</title><updated>{soon.isoformat()}</updated>"), JULIET,
                       MICROBLOG_NODE, "item-1", now=NOW)
    assert post.date_known and post.published == soon


@pytest.mark.parametrize("text, expected", [
    ("2026-09-01T10:00:00Z", datetime(2026, 9, 1, 10, tzinfo=UTC)),
    ("2026-09-01T10:00:00z", datetime(2026, 9, 1, 10, tzinfo=UTC)),
    ("2026-09-01T12:00:00+02:00", datetime(2026, 9, 1, 10, tzinfo=UTC)),
    ("2026-09-01T10:00:00.123456789Z", datetime(2026, 9, 1, 10, 0, 0, 123456, tzinfo=UTC)),
    ("2026-09-01T10:00:00", datetime(2026, 9, 1, 10, tzinfo=UTC)),  # no offset: UTC
    ("  2026-09-01T10:00:00Z\n", datetime(2026, 9, 1, 10, tzinfo=UTC)),
    ("2026-12-31T23:59:60Z", datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)),  # leap second
    ("Tue, 01 Sep 2026 10:00:00 +0000", datetime(2026, 9, 1, 10, tzinfo=UTC)),
    ("0000-01-01T00:00:00Z", None),
    ("0001-01-01T00:00:00+05:00", None),  # before datetime.min once in UTC
    ("9999-12-31T23:59:59-05:00", None),
    ("yesterday", None), ("", None), ("   ", None), (None, None), ("Z", None),
    ("2026-13-45T99:00:00Z", None), ("2026-09-01T10:60:60Z", None),
])
def test_dates(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_garbage_published_falls_back_to_updated() -> None:
    post = parse_entry(entry("<title>x</title><published>soon</published>"
                             "<updated>2026-09-01T10:00:00Z</updated>"), JULIET,
                       MICROBLOG_NODE, "item-1", now=NOW)
    assert post.published == post.updated == datetime(2026, 9, 1, 10, tzinfo=UTC)


def test_missing_title_is_derived_from_the_body() -> None:
    post = parse_entry(entry("<updated>2026-09-01T10:00:00Z</updated><content type='xhtml'>"
                             "<div xmlns='http://www.w3.org/1999/xhtml'><p>" + "word " * 40
                             + "</p><p>second</p></div></content>"), JULIET, MICROBLOG_NODE,
                       "item-1", now=NOW)
    assert post.title_derived and post.title.endswith("…") and len(post.title) <= 80
    assert post.title.startswith("word word")


def test_positional_and_keyword_calls_agree() -> None:
    xml = (ENTRIES / "movim_share.xml").read_bytes()
    assert parse_entry(xml, ROMEO, MICROBLOG_NODE, "share-1", ROMEO, now=NOW) == parse_entry(
        xml, service=ROMEO, node=MICROBLOG_NODE, item_id="share-1", publisher=ROMEO, now=NOW)


@pytest.mark.parametrize("xml, reason", [
    ((ENTRIES / "feed_not_entry.xml").read_text(), "not an Atom entry"),
    ((ENTRIES / "hostile_entity_bomb.xml").read_text(), "DOCTYPE"),
    (entry("<updated>2026-01-01T00:00:00Z</updated>"), "neither title nor content"),
    (entry("<title> </title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
           "<script>x</script></div></content><updated>2026-01-01T00:00:00Z</updated>"),
     "neither title nor content"),
    ("<entry", "not well-formed"),
    ("", "not well-formed"),
    (b"\xff\xfe<\x00e\x00", "not well-formed"),
    ("<a:entry xmlns:a='urn:not-atom'/>", "not an Atom entry"),
])
def test_unshowable_entries_raise_entry_error(xml: str | bytes, reason: str) -> None:
    with pytest.raises(EntryError, match=reason) as caught:
        parse_entry(xml, JULIET, MICROBLOG_NODE, "item-1", now=NOW)
    assert reason in caught.value.reason


def test_an_empty_item_id_is_refused() -> None:
    with pytest.raises(EntryError, match="id"):
        read("movim_post", item_id="")


def test_ten_thousand_deep_xhtml_is_cut_not_crashed() -> None:
    deep = entry("<title>deep</title><updated>2026-01-01T00:00:00Z</updated>"
                 "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
                 + "<span><b>" * 5_000 + "core" + "</b></span>" * 5_000 + "</div></content>")
    for source in (deep, ET.fromstring(deep)):
        start = time.perf_counter()
        post = parse_entry(source, JULIET, MICROBLOG_NODE, "deep-1", now=NOW)
        shown = render_post(post).plain
        assert time.perf_counter() - start < 5
        assert "cut" in shown and "core" not in shown
        ET.fromstring(post.raw)  # what is kept can be stored and read again


def test_five_megabyte_body_is_cut_with_a_note() -> None:
    big = entry("<title>big</title><updated>2026-01-01T00:00:00Z</updated><content type='text'>"
                + "spam " * 1_000_000 + "</content>")
    post = parse_entry(big, JULIET, MICROBLOG_NODE, "big-001", now=NOW)
    assert len(post.text) < 300_000 and post.text.endswith("more characters]")
    assert len(render_post(post).plain) < 300_000


def test_one_huge_xhtml_paragraph_is_cut_too() -> None:
    big = entry("<title>big</title><updated>2026-01-01T00:00:00Z</updated>"
                "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>"
                + "x" * 3_000_000 + "</p></div></content>")
    post = parse_entry(big, JULIET, MICROBLOG_NODE, "big-002", now=NOW)
    shown = render_post(post).plain
    assert len(post.body) < 1_000_000 and len(shown) < 200_000
    assert "more characters]" in shown
