"""Composing: what people type (Markdown) becomes the XHTML and text peers expect."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from xmppsocial.content.compose import (
    comment,
    edited,
    hashtags,
    like_comment,
    new_post,
    render_markdown,
    repeat,
)
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.content.microblog import comments_node_name, parse_entry
from xmppsocial.content.render import render_post
from xmppsocial.model import MICROBLOG_NODE, ContentType, NodeRef
from xmppsocial.uris import is_valid_item_id

XHTML = "{http://www.w3.org/1999/xhtml}"
WHEN = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
ME = "juliet@capulet.example"
ROMEO = "romeo@montague.example"


def div_of(source: str) -> ET.Element:
    return ET.fromstring(render_markdown(source).xhtml)


def test_markdown_becomes_one_xhtml_div() -> None:
    div = div_of("Fresh *paint* and **bold** and `code`.\n\n- one\n- two\n\n> quoted")
    assert div.tag == f"{XHTML}div"
    assert [child.tag.split("}")[1] for child in div] == ["p", "ul", "blockquote"]
    p = div.find(f"{XHTML}p")
    assert [(c.tag.split("}")[1], c.text) for c in p] == [("em", "paint"), ("strong", "bold"),
                                                         ("code", "code")]


def test_raw_html_is_shown_as_text_never_interpreted() -> None:
    body = render_markdown("Hi <script>alert(1)</script> <b onclick='x()'>b</b>")
    div = ET.fromstring(body.xhtml)
    assert not div.findall(f".//{XHTML}script") and not div.findall(f".//{XHTML}b")
    assert div.find(f"{XHTML}p").text == "Hi <script>alert(1)</script> <b onclick='x()'>b</b>"


def test_links_keep_safe_targets_and_drop_javascript() -> None:
    div = div_of("[shop](https://seeds.example/t) [bad](javascript:alert(1)) "
                 "and https://bare.example/x")
    hrefs = [a.get("href") for a in div.iter(f"{XHTML}a")]
    assert hrefs == ["https://seeds.example/t", "https://bare.example/x"]


def test_plain_text_twin_reads_as_text_and_the_source_is_kept() -> None:
    body = render_markdown("  # Title\n\nSome *emphasis*.\r\n\x1b[31mred\x1b[0m  ")
    assert body.source == "# Title\n\nSome *emphasis*.\nred"
    assert body.text == "Title\n\nSome emphasis. red"
    assert body.plain == "Title\n\nSome emphasis.\nred"


def test_hashtags_are_lower_cased_once_and_not_taken_from_urls() -> None:
    assert hashtags("#Garden and #garden, #spring! see https://x.example/#anchor a#b") == [
        "garden", "spring"]


def test_new_post_fields() -> None:
    post = new_post(service=ME, author_name="Juliet", markdown="Planted *basil* #Spring",
                    title="", tags=("Garden",), now=WHEN)
    assert post.key[:2] == (ME, MICROBLOG_NODE) and is_valid_item_id(post.item_id)
    assert post.item_id.startswith("planted-basil-spring-")
    assert post.atom_id == post.item_id
    assert (post.title, post.title_derived) == ("Planted basil #Spring", True)
    assert post.tags == ("garden", "spring")
    assert post.published == post.updated == WHEN
    assert post.author.jid == ME and post.author.verified and post.publisher == ME
    assert post.body_type is ContentType.XHTML and post.text == "Planted basil #Spring"


def test_generated_item_ids_are_safe_and_readable() -> None:
    post = new_post(service=ME, author_name="J", markdown="x", title="Ça va? Oui; très=bien #1")
    assert is_valid_item_id(post.item_id)
    assert post.item_id.startswith("ca-va-oui-tres-bien-1-")
    assert not post.title_derived
    ids = {new_post(service=ME, author_name="J", markdown="x").item_id for _ in range(50)}
    assert len(ids) == 50 and all(is_valid_item_id(i) for i in ids)
    for bad in ("short", "has space", "a;b=c?d"):
        with pytest.raises(ValueError, match="item id"):
            new_post(service=ME, author_name="J", markdown="x", item_id=bad)


def test_edit_keeps_identity_and_published_and_rederives_the_title() -> None:
    post = new_post(service=ME, author_name="Juliet", markdown="First words", now=WHEN,
                    comments=NodeRef(ME, comments_node_name("x")))
    later = edited(post, markdown="Better words", now=WHEN)
    assert (later.item_id, later.atom_id, later.comments) == (post.item_id, post.atom_id,
                                                              post.comments)
    assert later.published == post.published
    assert later.updated == post.updated + timedelta(seconds=1)
    assert later.title == "Better words" and later.text == "Better words"
    titled = edited(later, title="A real title", tags=["Home"], now=WHEN + timedelta(hours=1))
    assert (titled.title, titled.title_derived, titled.tags) == ("A real title", False, ("home",))
    assert titled.updated == WHEN + timedelta(hours=1)
    # A post read from a peer as plain text can be edited too.
    plain = replace(titled, body="Old words", body_type=ContentType.TEXT, text="Old words")
    assert edited(plain, title="Old words", now=WHEN).title_derived
    cleared = edited(titled, markdown="Fresh start", title="", now=WHEN)
    assert (cleared.title, cleared.title_derived) == ("Fresh start", True)
    kept = edited(titled, markdown="Other words", now=WHEN)
    assert (kept.title, kept.title_derived) == ("A real title", False)


def test_comment_goes_to_the_comments_node_with_readable_title() -> None:
    parent = new_post(service=ME, author_name="Juliet", markdown="p", now=WHEN,
                      comments=NodeRef("pubsub.capulet.example", comments_node_name("p-1")))
    note = comment(parent, service=ROMEO, author_name="Romeo", markdown="Looks **great**")
    assert (note.service, note.node) == ("pubsub.capulet.example",
                                         "urn:xmpp:microblog:0:comments/p-1")
    assert note.title == "Looks great"  # Movim shows comments from the title, unformatted
    assert note.author.jid == ROMEO and note.is_comment and not note.is_like
    with pytest.raises(ValueError, match="no comments node"):
        comment(new_post(service=ME, author_name="J", markdown="x"), service=ROMEO,
                author_name="R", markdown="hi")


def test_like_comment_reads_back_as_a_like() -> None:
    parent = new_post(service=ME, author_name="Juliet", markdown="p", now=WHEN,
                      comments=NodeRef("pubsub.capulet.example", comments_node_name("p-1")))
    heart = like_comment(parent, service=ROMEO, author_name="Romeo", now=WHEN)
    entry = build_entry(heart)
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "♥"
    back = parse_entry(ET.tostring(entry), heart.service, heart.node, heart.item_id, ROMEO)
    assert back.is_like and back.author.verified


def test_repeat_is_a_copy_under_a_new_id() -> None:
    original = new_post(service=ME, author_name="Juliet", markdown="Balcony *done*", now=WHEN,
                        comments=NodeRef("pubsub.capulet.example", comments_node_name("b")))
    later = WHEN + timedelta(days=40)
    boost = repeat(original, service=ROMEO, now=later)
    assert boost.service == ROMEO and boost.item_id != original.item_id
    assert is_valid_item_id(boost.item_id) and boost.is_repeat
    assert boost.author == original.author and boost.published == boost.updated == later
    assert render_post(boost).plain == "Balcony done"
    assert boost.comments == original.comments and boost.atom_id == original.atom_id


def test_repeat_is_written_in_the_forms_libervia_and_movim_read() -> None:
    original = new_post(service=ME, author_name="Juliet", markdown="Balcony *done*", now=WHEN,
                        title="Balcony")
    entry = build_entry(repeat(original, service=ROMEO, item_id="boost-000001"))
    a, thr = "{http://www.w3.org/2005/Atom}", "{http://purl.org/syndication/thread/1.0}"
    uri = f"xmpp:{ME}?;node=urn%3Axmpp%3Amicroblog%3A0;item={original.item_id}"
    links = {(link.get("rel"), link.get("href")) for link in entry.findall(f"{a}link")}
    assert ("via", uri) in links  # Libervia: "repeated by"
    assert [r.get("href") for r in entry.findall(f"{thr}in-reply-to")] == [uri]  # Movim: share
    assert entry.findtext(f"{a}author/{a}uri") == f"xmpp:{ME}"
    back = parse_entry(entry, service=ROMEO, node=MICROBLOG_NODE, item_id="boost-000001",
                       publisher=ROMEO)
    assert back.is_repeat and back.author.jid == ME and back.title == "Balcony"
