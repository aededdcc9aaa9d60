"""Properties over generated input: round trips, one error type, safe rendering."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xmppsocial.content.compose import new_post
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.content.microblog import EntryError, comments_node_name, parse_entry
from xmppsocial.content.render import render_line, render_post, render_xhtml
from xmppsocial.content.sanitize import clean_line, clean_text
from xmppsocial.content.xhtml import from_html
from xmppsocial.model import MICROBLOG_NODE, ContentType, InReplyTo, Link, NodeRef, Post, PostRef
from xmppsocial.uris import jid_of_uri, parse_post_uri, post_uri

NOW = datetime(2026, 11, 25, tzinfo=UTC)
SETTINGS = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORBIDDEN = ({chr(c) for c in range(0x20) if chr(c) not in "\n\t"} | {"\x7f"}
             | {chr(c) for c in range(0x80, 0xA0)} | set("\u202a\u202b\u202c\u202d\u202e")
             | set("\u2066\u2067\u2068\u2069"))

# What XML 1.0 can carry and a server relays: no C0 controls but \n and \t, no surrogates.
xml_chars = st.characters(blacklist_categories=("Cs",), min_codepoint=1).filter(
    lambda c: c in "\n\t" or c >= " ")
xml_text = st.text(xml_chars, max_size=60)
printable = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
jids = st.sampled_from(["juliet@capulet.example", "romeo@montague.example", "nurse.example"])
item_ids = st.from_regex(r"[A-Za-z0-9._~-]{6,40}", fullmatch=True)
dates = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2026, 11, 1),
                     timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))
hrefs = st.builds(lambda host, path: f"https://{host}.example/{path}",
                  st.from_regex(r"[a-z]{1,10}", fullmatch=True),
                  st.from_regex(r"[a-z0-9/._-]{0,20}", fullmatch=True))
words = st.lists(st.from_regex(r"[A-Za-z0-9éü]{1,8}", fullmatch=True), min_size=1, max_size=6)
markdown = st.lists(
    st.one_of(
        words.map(" ".join),
        words.map(lambda w: f"*{w[0]}* and **{w[-1]}**"),
        words.map(lambda w: "- " + "\n- ".join(w)),
        words.map(lambda w: "> " + " ".join(w)),
        st.tuples(words, hrefs).map(lambda p: f"[{p[0][0]}]({p[1]})"),
        words.map(lambda w: "`" + "_".join(w) + "`"),
    ), min_size=1, max_size=4).map("\n\n".join)
links = st.builds(Link, hrefs, st.sampled_from(["related", "alternate", "license"]),
                  st.none() | st.just("text/html"), st.none() | words.map(" ".join))
enclosures = st.builds(Link, hrefs, st.just("enclosure"),
                       st.sampled_from(["image/png", "audio/ogg"]), st.none() | st.just("f.png"),
                       st.none() | st.integers(0, 10**12))


@st.composite
def posts(draw) -> Post:
    service = draw(jids)
    published = draw(dates)
    item = draw(item_ids)
    post = new_post(service=service, author_name=draw(st.just("") | words.map(" ".join)),
                    markdown=draw(markdown), title=draw(st.just("") | words.map(" ".join)),
                    tags=draw(st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True),
                                       max_size=3)),
                    item_id=item, now=published,
                    comments=draw(st.none() | st.builds(
                        lambda s: NodeRef(s, comments_node_name(item)),
                        st.sampled_from(["pubsub.capulet.example", service]))))
    target = draw(st.none() | st.builds(PostRef, jids, st.just(MICROBLOG_NODE), item_ids))
    return replace(
        post, updated=published + timedelta(seconds=draw(st.integers(0, 10**7))),
        atom_id=draw(st.just(item) | st.just(f"tag:capulet.example,2026:{item}")),
        lang=draw(st.none() | st.sampled_from(["en", "fr", "de-CH"])),
        links=tuple(draw(st.lists(links, max_size=2))),
        enclosures=tuple(draw(st.lists(enclosures, max_size=2))),
        via=tuple(Link(post_uri(t), "via") for t in draw(st.lists(
            st.builds(PostRef, jids, st.just(MICROBLOG_NODE), item_ids), max_size=1))),
        in_reply_to=(InReplyTo(ref=target.item, href=post_uri(target), target=target),)
        if target else ())


@SETTINGS
@given(posts())
def test_build_then_parse_keeps_every_field(post: Post) -> None:
    back = parse_entry(ET.tostring(build_entry(post)), post.service, post.node, post.item_id,
                       post.service, now=NOW)
    self_link = Link(post_uri(post.ref), "alternate")
    expected = replace(
        post, raw=back.raw, author=replace(post.author, uri="xmpp:" + post.service,
                                           name=post.author.name or post.service.split("@")[0]),
        links=(self_link, *(x for x in post.links if x != self_link)))
    if post.via and post.author.jid != post.service:
        expected = replace(expected, author=replace(expected.author, verified=False))
    assert back == expected
    assert render_post(back).plain == render_post(post).plain
    assert parse_entry(back.raw, post.service, post.node, post.item_id, post.service,
                       now=NOW) == back


ATOM = "http://www.w3.org/2005/Atom"
ATOM_CHILDREN = ["title", "content", "updated", "published", "author", "id", "link",
                 "category", "summary", "name", "uri", "div", "p", "entry", "in-reply-to"]
NAMESPACES = [ATOM, "http://www.w3.org/1999/xhtml", "http://purl.org/syndication/thread/1.0",
              "urn:other"]
ATTRIBUTES = ["type", "rel", "href", "term", "ref", "title", "length",
              "{http://www.w3.org/XML/1998/namespace}base",
              "{http://www.w3.org/XML/1998/namespace}lang"]
attr_values = st.one_of(xml_text, st.sampled_from(
    ["xhtml", "html", "text", "replies", "via", "enclosure", "comments", "99999999999999999999",
     "xmpp:s.example?;node=n;item=i", "xmpp:%FF?;node=%", "2026-01-01T00:00:00Z", "../x",
     "0000-00-00T00:00:00Z", "9999-12-31T23:59:59-23:59"]))


@st.composite
def messy_trees(draw, depth: int = 0) -> ET.Element:
    ns = draw(st.sampled_from(NAMESPACES))
    element = ET.Element(f"{{{ns}}}{draw(st.sampled_from(ATOM_CHILDREN))}")
    element.text = draw(st.none() | attr_values)
    element.tail = draw(st.none() | xml_text)
    for attr in draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3)):
        element.set(attr, draw(attr_values))
    if depth < 3:
        element.extend(draw(st.lists(messy_trees(depth + 1), max_size=4)))
    return element


@st.composite
def messy_entries(draw) -> ET.Element:
    root = draw(messy_trees())
    root.tag = draw(st.sampled_from([f"{{{ATOM}}}entry", f"{{{ATOM}}}entry", f"{{{ATOM}}}feed",
                                     root.tag]))
    return root


def assert_parses_or_refuses(source: ET.Element | bytes | str) -> None:
    try:
        post = parse_entry(source, "juliet@capulet.example", MICROBLOG_NODE, "item-1",
                           None, now=NOW)
    except EntryError as exc:
        assert exc.reason
        return
    for text in (render_post(post).plain, post.title, post.author.display, post.text):
        assert not FORBIDDEN & set(text), repr(text)


@SETTINGS
@given(messy_entries())
def test_malformed_trees_raise_only_entry_error(tree: ET.Element) -> None:
    assert_parses_or_refuses(tree)
    assert_parses_or_refuses(ET.tostring(tree))


VALID = ET.tostring(build_entry(new_post(service="juliet@capulet.example", author_name="J",
                                         markdown="Some *text* here", now=NOW,
                                         item_id="item-000001")))


@SETTINGS
@given(st.integers(0, len(VALID)), st.integers(0, 40), st.binary(max_size=20))
def test_damaged_bytes_raise_only_entry_error(at: int, cut: int, insert: bytes) -> None:
    assert_parses_or_refuses(VALID[:at] + insert + VALID[at + cut:])


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_raises_only_entry_error(text: str) -> None:
    assert_parses_or_refuses(text)
    assert_parses_or_refuses("<entry xmlns='http://www.w3.org/2005/Atom'>" + text + "</entry>")


@SETTINGS
@given(st.text(max_size=200), st.text(max_size=60), st.sampled_from(list(ContentType)))
def test_rendering_never_raises_nor_emits_escapes_or_bidi_overrides(
        body: str, inner: str, kind: ContentType) -> None:
    html = f"<p>{body}<a href='{inner}'>{inner}</a><b>{body}</b></p><ul><li>{inner}</li></ul>"
    post = Post("a@b.example", MICROBLOG_NODE, "item-1", inner, NOW, NOW, body=body,
                body_type=kind, text=inner)
    for text in (render_xhtml(from_html(html)).plain, render_post(post).plain,
                 render_line(body).plain, clean_line(body), clean_text(body)):
        assert not FORBIDDEN & set(text), repr(text)


uri_text = st.text(xml_chars.filter(lambda c: not ("\x7f" <= c <= "\x9f") and c not in "\n\t"),
                   min_size=1, max_size=40)


@SETTINGS
@given(st.from_regex(r"[a-z0-9.-]{1,20}(@[a-z0-9.-]{1,20})?", fullmatch=True), uri_text,
       uri_text)
def test_xmpp_uris_round_trip(service: str, node: str, item: str) -> None:
    ref = PostRef(service, node, item)
    assert parse_post_uri(post_uri(ref)) == ref
    assert jid_of_uri(post_uri(ref)) == service


@SETTINGS
@given(st.text(printable, max_size=80))
def test_names_are_one_clean_line(name: str) -> None:
    line = clean_line(name, 30)
    assert "\n" not in line and len(line) <= 30 and line == line.strip()
