"""Properties over generated input: round trips, one error type, safe rendering."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xmppsocial.microblog import EntryError, build_entry, parse_entry
from xmppsocial.model import (
    MICROBLOG_NODE,
    Author,
    ContentType,
    InReplyTo,
    Link,
    NodeRef,
    Post,
    PostRef,
)
from xmppsocial.render import render_post, render_xhtml
from xmppsocial.sanitize import clean_line, clean_text
from xmppsocial.uris import parse_post_uri, post_uri
from xmppsocial.xhtml import from_html

ME = "juliet@capulet.example"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
# XML 1.0 cannot carry most C0 controls or surrogates; generate what a server can relay.
xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00",
                                 min_codepoint=1).filter(lambda c: c in "\n\t" or c >= " "),
                   max_size=80)
words = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .,!?'-]{0,40}", fullmatch=True)
item_ids = st.from_regex(r"[A-Za-z0-9._~-]{6,40}", fullmatch=True)
dates = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2026, 11, 1),
                     timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))
hrefs = st.builds(lambda h, p: f"https://{h}.example/{p}", st.from_regex(r"[a-z]{1,10}",
                  fullmatch=True), st.from_regex(r"[a-z0-9/]{0,20}", fullmatch=True))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def posts(draw) -> Post:
    published = draw(dates)
    updated = published + timedelta(seconds=draw(st.integers(0, 10**6)))
    item = draw(item_ids)
    text = clean_text(draw(words))
    target = draw(st.none() | st.builds(PostRef, st.just("romeo@montague.example"),
                                        st.just(MICROBLOG_NODE), item_ids))
    return Post(
        service=ME, node=MICROBLOG_NODE, item_id=item, title=clean_line(draw(words)) or "t",
        published=published, updated=updated, text=text, body=text,
        body_type=ContentType.TEXT,
        author=Author(name=clean_line(draw(words)), jid=ME, verified=True),
        atom_id=draw(st.just(item) | st.just(f"tag:capulet.example,2026:{item}")),
        tags=tuple(dict.fromkeys(draw(st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True),
                                                max_size=4)))),
        links=tuple(Link(href=h, rel="related") for h in draw(st.lists(hrefs, max_size=2))),
        enclosures=tuple(Link(href=h, rel="enclosure", type="image/png")
                         for h in draw(st.lists(hrefs, max_size=2))),
        in_reply_to=(InReplyTo(ref=target.item, href=post_uri(target), target=target),)
        if target else (),
        comments=draw(st.none() | st.just(NodeRef(ME, f"urn:xmpp:microblog:0:comments/{item}"))),
    )


@SETTINGS
@given(posts())
def test_build_then_parse_keeps_every_field(post: Post) -> None:
    back = parse_entry(ET.tostring(build_entry(post)), service=post.service, node=post.node,
                       item_id=post.item_id, publisher=post.service, now=NOW)
    assert back.key == post.key
    assert (back.title, back.text.strip(), back.atom_id) == (post.title, post.text.strip(),
                                                            post.atom_id)
    assert (back.published, back.updated) == (post.published, post.updated)
    assert back.author.jid == ME and back.author.verified
    assert back.author.name == (post.author.name or "juliet")
    assert back.tags == post.tags
    assert back.comments == post.comments
    assert back.in_reply_to == post.in_reply_to
    assert back.enclosures == post.enclosures
    assert [link for link in back.links if link.rel == "related"] == list(post.links)


ATOM_CHILDREN = ["title", "content", "updated", "published", "author", "id", "link",
                 "category", "summary", "name", "uri", "div", "p"]


@st.composite
def messy_trees(draw) -> ET.Element:
    root_tag = draw(st.sampled_from(["entry", "feed", "item"]))
    root = ET.Element(f"{{http://www.w3.org/2005/Atom}}{root_tag}")
    for _ in range(draw(st.integers(0, 8))):
        name = draw(st.sampled_from(ATOM_CHILDREN))
        ns = draw(st.sampled_from(["http://www.w3.org/2005/Atom",
                                   "http://www.w3.org/1999/xhtml", "urn:other"]))
        child = ET.SubElement(root, f"{{{ns}}}{name}")
        child.text = draw(xml_text)
        for attr in draw(st.lists(st.sampled_from(["type", "rel", "href", "term", "ref"]),
                                  max_size=3)):
            child.set(attr, draw(xml_text))
        if draw(st.booleans()):
            ET.SubElement(child, f"{{{ns}}}{draw(st.sampled_from(ATOM_CHILDREN))}").text = \
                draw(xml_text)
    return root


@SETTINGS
@given(messy_trees())
def test_malformed_trees_raise_only_entry_error(tree: ET.Element) -> None:
    try:
        post = parse_entry(tree, service=ME, node=MICROBLOG_NODE, item_id="item-1", now=NOW)
    except EntryError:
        return
    shown = render_post(post).plain
    assert "\x1b" not in shown


FORBIDDEN = set(chr(c) for c in range(0x00, 0x20) if chr(c) not in "\n\t") | {"\x7f"} | set(
    chr(c) for c in range(0x80, 0xA0)) | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@SETTINGS
@given(st.text(max_size=200), st.text(max_size=60))
def test_rendering_never_emits_escapes_or_bidi_overrides(body: str, inner: str) -> None:
    html = f"<p>{body}<a href='{inner}'>{inner}</a><b>{body}</b></p><ul><li>{inner}</li></ul>"
    for text in (render_xhtml(from_html(html)).plain, clean_line(body), clean_text(body)):
        assert not FORBIDDEN & set(text), repr(text)


@SETTINGS
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()), item_ids,
       st.text(min_size=1, max_size=40))
def test_xmpp_uris_round_trip(node: str, item: str, junk: str) -> None:
    ref = PostRef("pubsub.capulet.example", node, item + junk)
    assert parse_post_uri(post_uri(ref)) == ref
