"""Writing entries that Movim and Libervia both accept, and composing from Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from xmppsocial.compose import comment, edited, hashtags, like_comment, new_post, render_markdown
from xmppsocial.microblog import build_entry, parse_entry
from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.render import render_post
from xmppsocial.uris import is_valid_item_id

A = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
THR = "{http://purl.org/syndication/thread/1.0}"
WHEN = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
ME = "juliet@capulet.example"


def post_with_comments(**kw):
    return new_post(service=ME, author_name="Juliet", markdown="Fresh *paint*.\n\nSecond para.",
                    title="Balcony restored", tags=("home",), now=WHEN,
                    comments=NodeRef(ME, "urn:xmpp:microblog:0:comments/balcony"), **kw)


def test_entry_has_everything_movim_and_libervia_need() -> None:
    entry = build_entry(post_with_comments(item_id="balcony-restored-Qx3abc"))
    assert entry.findtext(f"{A}id") == "balcony-restored-Qx3abc"
    assert entry.findtext(f"{A}title") == "Balcony restored"
    assert entry.findtext(f"{A}published") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}updated") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}author/{A}name") == "Juliet"
    assert entry.findtext(f"{A}author/{A}uri") == "xmpp:juliet@capulet.example"
    contents = entry.findall(f"{A}content")
    assert [c.get("type") for c in contents] == ["xhtml", "text"]
    (div,) = list(contents[0])  # exactly one child: the XHTML div
    assert div.tag == f"{XHTML}div"
    assert ET.tostring(div.find(f"{XHTML}p/{XHTML}em"), encoding="unicode").count("paint") == 1
    assert contents[1].text == "Fresh *paint*.\n\nSecond para."
    replies = [link for link in entry.findall(f"{A}link") if link.get("rel") == "replies"]
    assert replies[0].get("title") == "comments"
    assert replies[0].get("href") == ("xmpp:juliet@capulet.example?;node=urn%3Axmpp%3A"
                                      "microblog%3A0%3Acomments%2Fbalcony")
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["home"]


def test_reply_carries_in_reply_to_with_node_then_item() -> None:
    original = post_with_comments(item_id="balcony-restored-Qx3abc")
    reply = new_post(service="romeo@montague.example", author_name="Romeo",
                     markdown="Lovely", in_reply_to=original, now=WHEN)
    (thr,) = build_entry(reply).findall(f"{THR}in-reply-to")
    assert thr.get("ref") == "balcony-restored-Qx3abc"
    assert thr.get("href") == ("xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0"
                               ";item=balcony-restored-Qx3abc")


def test_edit_keeps_published_and_moves_updated() -> None:
    post = post_with_comments()
    later = edited(post, markdown="New words", now=WHEN)
    assert later.item_id == post.item_id and later.atom_id == post.atom_id
    assert later.published == post.published and later.updated > post.updated
    entry = build_entry(later)
    assert entry.findtext(f"{A}published") == "2026-09-01T10:00:00Z"
    assert entry.findtext(f"{A}updated") == "2026-09-01T10:00:01Z"


def test_round_trip_through_the_wire_format() -> None:
    post = post_with_comments()
    back = parse_entry(ET.tostring(build_entry(post)), service=ME, node=MICROBLOG_NODE,
                       item_id=post.item_id, publisher=ME)
    assert (back.title, back.text, back.tags, back.comments) == (
        post.title, post.text, post.tags, post.comments)
    assert render_post(back).plain == "Fresh paint.\n\nSecond para."


def test_generated_item_ids_are_safe_and_readable() -> None:
    post = new_post(service=ME, author_name="J", markdown="x", title="Ça va? Oui; très=bien #1")
    assert is_valid_item_id(post.item_id)
    assert post.item_id.startswith("ca-va-oui-tres-bien-1-")


def test_markdown_raw_html_stays_text_and_hashtags_become_tags() -> None:
    body = render_markdown("Hi <script>alert(1)</script> #Garden and #garden #spring")
    assert "<script>" not in body.xhtml.replace("&lt;script&gt;", "")
    assert "&lt;script&gt;" in body.xhtml
    assert hashtags(body.text) == ["garden", "spring"]


def test_comments_and_likes() -> None:
    parent = post_with_comments()
    note = comment(parent, service="romeo@montague.example", author_name="Romeo",
                   markdown="Looks **great**")
    assert (note.service, note.node) == (parent.comments.service, parent.comments.node)
    assert note.title == "Looks **great**"
    heart = like_comment(parent, service="romeo@montague.example", author_name="Romeo")
    back = parse_entry(build_entry(heart), service=heart.service, node=heart.node,
                       item_id=heart.item_id, publisher="romeo@montague.example")
    assert back.is_like
