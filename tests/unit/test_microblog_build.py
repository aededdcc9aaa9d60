"""Writing entries that Movim and Libervia both accept (protocol notes §1.3, §7.3)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from xmppsocial.content.compose import new_post, repeat
from xmppsocial.content.entry_writer import build_entry, touched
from xmppsocial.content.microblog import comments_node_name, parse_entry
from xmppsocial.content.render import render_post
from xmppsocial.model import MICROBLOG_NODE, Author, ContentType, Link, NodeRef, Post

A = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
THR = "{http://purl.org/syndication/thread/1.0}"
WHEN = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
ME = "juliet@capulet.example"
ITEM = "balcony-restored-Qx3abc"


def post_with_comments(**kw) -> Post:
    return new_post(service=ME, author_name="Juliet", markdown="Fresh *paint*.\n\nSecond para.",
                    title="Balcony restored", tags=("home",), now=WHEN, item_id=ITEM,
                    comments=NodeRef("pubsub.capulet.example", comments_node_name(ITEM)), **kw)


def wire(post: Post) -> ET.Element:
    """The entry as it goes over the wire and comes back (serialised and parsed)."""
    return ET.fromstring(ET.tostring(build_entry(post)))


def test_entry_has_everything_movim_and_libervia_need() -> None:
    entry = wire(post_with_comments())
    assert entry.tag == f"{A}entry"
    assert entry.findtext(f"{A}id") == ITEM
    (title,) = entry.findall(f"{A}title")
    assert (title.text, title.get("type")) == ("Balcony restored", "text")
    assert entry.findtext(f"{A}published") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}updated") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}author/{A}name") == "Juliet"
    assert entry.findtext(f"{A}author/{A}uri") == "xmpp:juliet@capulet.example"
    contents = entry.findall(f"{A}content")
    assert [c.get("type") for c in contents] == ["xhtml", "text"]
    (div,) = list(contents[0])  # exactly one child element: the XHTML div
    assert div.tag == f"{XHTML}div" and not (contents[0].text or "").strip()
    assert div.find(f"{XHTML}p/{XHTML}em").text == "paint"
    assert contents[1].text == "Fresh paint.\n\nSecond para."  # readable, not Markdown
    links = {link.get("rel"): link for link in entry.findall(f"{A}link")}
    assert links["alternate"].get("href") == (
        "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0;item=" + ITEM)
    assert links["replies"].get("title") == "comments"
    assert links["replies"].get("href") == ("xmpp:pubsub.capulet.example?;node=urn%3Axmpp%3A"
                                            "microblog%3A0%3Acomments%2F" + ITEM)
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["home"]


def test_author_uri_is_the_bare_jid_even_from_a_full_one() -> None:
    post = replace(post_with_comments(), author=Author(name="", jid=ME + "/balcony"))
    entry = wire(post)
    assert entry.findtext(f"{A}author/{A}uri") == "xmpp:juliet@capulet.example"
    assert entry.findtext(f"{A}author/{A}name") == "juliet"  # never an empty name


def test_a_plain_text_post_still_gets_one_xhtml_div_and_one_text() -> None:
    post = replace(post_with_comments(), body="line one\nline two\n\n<b>not bold</b>",
                   body_type=ContentType.TEXT, text="")
    contents = wire(post).findall(f"{A}content")
    assert [c.get("type") for c in contents] == ["xhtml", "text"]
    (div,) = list(contents[0])
    first, second = div.findall(f"{XHTML}p")
    assert (first.text, first.find(f"{XHTML}br").tail) == ("line one", "line two")
    assert second.text == "<b>not bold</b>" and not len(second)  # text, not markup
    assert contents[1].text == "line one\nline two\n\n<b>not bold</b>"


def test_an_untitled_post_gets_a_title_because_peers_drop_untitled_ones() -> None:
    post = replace(post_with_comments(), title="")
    assert wire(post).findtext(f"{A}title") == "Fresh paint. Second para."


def test_reply_carries_in_reply_to_with_node_then_item() -> None:
    original = post_with_comments()
    reply = new_post(service="romeo@montague.example", author_name="Romeo",
                     markdown="Lovely", in_reply_to=original, now=WHEN)
    (thr,) = wire(reply).findall(f"{THR}in-reply-to")
    assert thr.get("ref") == ITEM
    assert thr.get("href") == ("xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0"
                               ";item=" + ITEM)


def test_enclosures_links_and_via_are_written() -> None:
    post = replace(post_with_comments(),
                   enclosures=(Link("https://up.example/a.jpg", "enclosure", "image/jpeg",
                                    "a.jpg", 2048),),
                   links=(Link("https://seeds.example/", "related", "text/html"),))
    links = [(x.get("rel"), x.get("href"), x.get("type"), x.get("title"), x.get("length"))
             for x in wire(post).findall(f"{A}link")]
    assert ("enclosure", "https://up.example/a.jpg", "image/jpeg", "a.jpg", "2048") in links
    assert ("related", "https://seeds.example/", "text/html", None, None) in links
    assert [rel for rel, *_ in links].count("alternate") == 1


def test_repeat_keeps_author_and_comments_and_adds_via() -> None:
    original = post_with_comments()
    boost = repeat(original, service="romeo@montague.example", item_id="boost-000001")
    entry = wire(boost)
    assert entry.findtext(f"{A}author/{A}uri") == "xmpp:juliet@capulet.example"
    rels = {x.get("rel"): x.get("href") for x in entry.findall(f"{A}link")}
    assert rels["via"] == ("xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0"
                           ";item=" + ITEM)
    assert rels["alternate"].endswith(";item=boost-000001")
    assert "comments%2F" + ITEM in rels["replies"]
    back = parse_entry(ET.tostring(entry), "romeo@montague.example", MICROBLOG_NODE,
                       "boost-000001")
    assert back.is_repeat and back.author.jid == ME and back.publisher == "romeo@montague.example"


def test_edit_keeps_published_and_moves_updated() -> None:
    post = post_with_comments()
    later = touched(post, now=WHEN + timedelta(hours=2))
    entry = wire(later)
    assert entry.findtext(f"{A}id") == ITEM
    assert entry.findtext(f"{A}published") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}updated") == "2026-09-01T12:00:00Z"
    # The clock has not moved (or went back): updated still moves forward.
    assert touched(later, now=WHEN).updated == later.updated + timedelta(seconds=1)


def test_dates_are_written_in_utc_with_z() -> None:
    plus_two = timezone(timedelta(hours=2))
    post = replace(post_with_comments(), published=datetime(2026, 9, 1, 12, tzinfo=plus_two),
                   updated=datetime(2026, 9, 1, 12, 30, tzinfo=plus_two))
    entry = wire(post)
    assert entry.findtext(f"{A}published") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}updated") == "2026-09-01T10:30:00Z"


def test_round_trip_through_the_wire_format() -> None:
    post = post_with_comments()
    back = parse_entry(ET.tostring(build_entry(post)), ME, MICROBLOG_NODE, post.item_id, ME)
    assert (back.title, back.text, back.tags, back.comments) == (
        post.title, post.text, post.tags, post.comments)
    assert back.author == Author("Juliet", ME, "xmpp:" + ME, True)
    assert render_post(back).plain == "Fresh paint.\n\nSecond para."
    assert render_post(back).plain == render_post(post).plain
