"""Feeds from the faithful corpus, imported as a reader then sees them on the blog.

Each post goes through build_entry and parse_entry, as it does through the server, and
the assertions are on what the reader gets back: titles as words, bodies in full, the
right dates, one item per entry, links that resolve, characters in the right script.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser.encodings
import pytest

from tests.data.faithful.corpus import huge_feed
from tests.loopback_http import serving
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.content.microblog import parse_entry
from xmppsocial.content.render import plain_post
from xmppsocial.feeds.importing import (
    MAX_ENTRY_BYTES,
    FeedError,
    FeedSource,
    load_source,
    parse_feed,
    plan_import,
)
from xmppsocial.uris import is_valid_item_id

FEEDS = Path(__file__).resolve().parent.parent / "data" / "faithful" / "feeds"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
ME = "nora@example.org"


def feed(name: str, now: datetime = NOW):
    return parse_feed((FEEDS / name).read_bytes(), service=ME, now=now)


def on_the_blog(posts) -> dict[str, object]:
    """The posts as the server hands them back to a reader."""
    return {p.item_id: parse_entry(ET.tostring(build_entry(p)), ME, p.node, p.item_id, ME,
                                   now=NOW) for p in posts}


def by_title(posts) -> dict[str, object]:
    return {p.title: p for p in posts}


def test_html_titles_are_read_as_the_words_they_stand_for() -> None:
    imported = feed("titles_and_bodies.atom")
    assert imported.title == "Notes & Queries"
    titles = [p.title for p in on_the_blog(imported.posts).values()]
    assert "Q&A about <angle brackets>" in titles and "Example Atom title" in titles
    assert "An XHTML title & more" in titles
    assert not any("&amp;" in t or "&lt;" in t or "<b>" in t for t in titles)


def test_plain_text_bodies_keep_everything_in_angle_brackets() -> None:
    posts = by_title(on_the_blog(feed("titles_and_bodies.atom").posts).values())
    blink = posts["History of the <blink> tag"]
    assert plain_post(blink) == ("The <blink> tag made text flash; <marquee> made it scroll. "
                                 "Use <em> for emphasis, and 1 < 2 > 0 & so on.\n"
                                 "A second line, kept as a line.")
    assert plain_post(posts["Plain summary"]) == "Keep <this> exactly: a < b and c > d."
    assert plain_post(posts["Q&A about <angle brackets>"]) == "Questions and answers."


def test_per_entry_authors_and_upper_case_schemes_are_kept() -> None:
    posts = by_title(on_the_blog(feed("titles_and_bodies.atom").posts).values())
    assert posts["Written by a guest"].author.name == "Gustav Guest"
    assert posts["Plain summary"].author.name == "Nora"  # the feed's author otherwise
    assert all(p.author.jid == ME and p.author.verified for p in posts.values())
    loud = posts["Shouting links"]
    assert [link.href for link in loud.links if link.rel == "related"] == [
        "http://Notes.Example/Shouting"]
    assert [(e.href, e.length) for e in loud.enclosures] == [
        ("https://notes.example/loud.mp3", 4096)]
    assert "<https://notes.example/more>" in plain_post(loud)


def test_title_only_entries_are_not_republished() -> None:
    imported = feed("titles_and_bodies.atom")
    blog = on_the_blog(imported.posts)
    assert "Only a title, nothing else" in plain_post(
        by_title(blog.values())["Only a title, nothing else"])
    again = feed("titles_and_bodies.atom", datetime(2026, 11, 5, tzinfo=UTC))
    plan = plan_import(again.posts, blog, again.undated)
    assert (len(plan.new), len(plan.changed)) == (0, 0) and len(plan.unchanged) == 8


def test_entries_without_id_or_link_get_one_item_each_stably() -> None:
    imported = feed("no_ids.atom")
    ids = [p.item_id for p in imported.posts]
    assert len(ids) == 7 == len(set(ids)) and all(is_valid_item_id(i) for i in ids)
    blog = on_the_blog(imported.posts)
    texts = sorted(plain_post(p) for p in blog.values())
    assert texts.count("Said twice.") == 2 and "First untitled, undated note." in texts
    assert "Second untitled, undated note." in texts
    assert {"Monday's version.", "Tuesday's version."} <= set(texts)
    # a later run, the clock moved on: the same items, nothing to publish
    later = feed("no_ids.atom", datetime(2026, 11, 9, tzinfo=UTC))
    assert sorted(p.item_id for p in later.posts) == sorted(ids)
    plan = plan_import(later.posts, blog, later.undated)
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (0, 0, 7)
    # a note added on top of the feed is new, and renumbers nothing
    text = (FEEDS / "no_ids.atom").read_text().replace(
        "<entry>", "<entry><content type='text'>Said twice.</content></entry><entry>", 1)
    grown = parse_feed(text.encode(), service=ME, now=NOW)
    assert set(ids) < {p.item_id for p in grown.posts} and len(grown.posts) == 8


def test_a_retitled_entry_replaces_its_earlier_copy() -> None:
    imported = feed("titles_and_bodies.atom")
    blog = on_the_blog(imported.posts)
    text = (FEEDS / "titles_and_bodies.atom").read_text().replace(
        "Written by a guest", "Written by a guest, retitled")
    plan = plan_import(parse_feed(text.encode(), service=ME, now=NOW).posts, blog)
    assert [p.title for p in plan.changed] == ["Written by a guest, retitled"]
    assert plan.changed[0].item_id in blog and not plan.new


def test_atom_0_3_created_dates_the_entry() -> None:
    posts = by_title(feed("atom03.xml").posts)
    assert posts["Created only"].published == datetime(2004, 12, 1, 10, tzinfo=UTC)
    assert posts["Created, issued and modified"].published == datetime(2004, 12, 2, 10,
                                                                      tzinfo=UTC)
    assert posts["Created, issued and modified"].updated == datetime(2004, 12, 3, 10,
                                                                    tzinfo=UTC)


def test_a_five_megabyte_body_is_cut_to_fit_with_a_visible_note() -> None:
    imported = parse_feed(huge_feed(), service=ME, now=NOW)
    huge, small = sorted(imported.posts, key=lambda p: len(p.text), reverse=True)
    assert len(ET.tostring(build_entry(huge))) <= MAX_ENTRY_BYTES
    shown = plain_post(on_the_blog([huge])[huge.item_id])
    assert shown.startswith("All work and no play.") and shown.endswith("more characters]")
    assert "[cut: 4," in shown  # about 4.9 million characters left out, and it says so
    assert plain_post(small) == "A normal entry beside it."
    assert any("too long for one post" in note for note in imported.notes)
    plan = plan_import(parse_feed(huge_feed(), service=ME, now=NOW).posts,
                       on_the_blog(imported.posts))
    assert len(plan.unchanged) == 2  # the cut copy is what the blog holds: no change


def test_relative_links_resolve_against_the_response_over_http() -> None:
    routes = {"/latest": ((FEEDS / "relative.atom").read_bytes(), {
        "Content-Type": "application/atom+xml",
        "Content-Location": "/blog/archive/feed.atom"})}
    with serving(routes) as base:
        source = load_source(f"{base}/latest")
    assert source.headers["content-location"] == f"{base}/blog/archive/feed.atom"
    posts = by_title(on_the_blog(parse_feed(source, service=ME, now=NOW).posts).values())
    one = posts["Links from the document's address"]
    assert [link.href for link in one.links if link.rel == "related"] == [
        f"{base}/blog/archive/posts/one.html"]
    assert [(e.href, e.length) for e in one.enclosures] == [(f"{base}/media/one.mp3", 1234)]
    assert plain_post(one) == (f"See the second post <{base}/blog/archive/two.html> and "
                               "[image: a heron] <" + f"{base}/blog/archive/img/heron.png>.")
    two = posts["Links from an xml:base"]
    assert [e.href for e in two.enclosures] == ["https://cdn.rel.example/archive/two.ogg"]
    assert plain_post(two) == "Next <https://cdn.rel.example/archive/three.html>"


def test_a_charset_named_only_by_the_http_header_is_used() -> None:
    routes = {"/ru.rss": ((FEEDS / "header_charset.rss").read_bytes(), {
        "Content-Type": "application/rss+xml; charset=koi8-r", "Content-Language": "ru"})}
    with serving(routes) as base:
        imported = parse_feed(load_source(f"{base}/ru.rss"), service=ME, now=NOW)
    assert imported.title == "Заметки" and not imported.notes
    posts = by_title(on_the_blog(imported.posts).values())
    assert set(posts) == {"Привет, мир", "Вторая запись"}
    assert plain_post(posts["Привет, мир"]) == (
        "Съешь же ещё этих мягких французских булок, да выпей чаю.")
    assert {p.lang for p in posts.values()} == {"ru"}


def test_an_undeclared_encoding_is_detected_and_said() -> None:
    imported = feed("guessed_cp1251.rss")
    assert imported.title == "Дневник"
    assert [p.title for p in imported.posts] == ["Привет, мир", "Вторая запись"]
    assert imported.notes == ["its text is not in the encoding it declares (utf-8); "
                              "read as Windows-1251, the encoding detected"]


def test_without_a_detector_a_guess_is_refused_naming_the_problem(monkeypatch) -> None:
    monkeypatch.setattr(feedparser.encodings, "lazy_chardet_encoding", None)
    with pytest.raises(FeedError, match="not in the encoding it declares .utf-8.") as caught:
        feed("guessed_cp1251.rss")
    assert "convert it to UTF-8" in str(caught.value)
    declared = FeedSource((FEEDS / "header_charset.rss").read_bytes(), "http://x.example/",
                          {"content-type": "application/rss+xml; charset=koi8-r"})
    assert parse_feed(declared, service=ME).title == "Заметки"  # declared: no guess...
    # ...and neither does UTF-8 with one broken byte
    assert feed("mostly_utf8.rss").posts[0].title == "Привет, мир \ufffd"


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    imported = feed("mostly_utf8.rss")
    assert imported.title == "Журнал"
    assert [p.title for p in imported.posts] == ["Привет, мир \ufffd", "Вторая запись"]
    assert imported.notes == ["1 byte of it is not valid UTF-8 (it declares utf-8); "
                              "shown as \ufffd"]


def test_feed_source_without_headers_is_a_file() -> None:
    data = (FEEDS / "atom03.xml").read_bytes()
    assert parse_feed(FeedSource(data), service=ME, now=NOW).posts == parse_feed(
        data, service=ME, now=NOW).posts


def rss(channel: str, *items: tuple[str, str]) -> bytes:
    body = "".join(f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title>"
                   f"<pubDate>Tue, 01 Sep 2026 10:00:00 +0000</pubDate></item>"
                   for guid, title in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>c"
            f"</title><link>{channel}</link>{body}</channel></rss>").encode()


def test_two_feeds_with_the_same_guids_never_share_an_item() -> None:
    first = parse_feed(rss("https://one.example/", ("1", "From the first feed")),
                       service=ME, now=NOW)
    second = parse_feed(rss("https://two.example/", ("1", "From the second feed")),
                        service=ME, now=NOW)
    blog = on_the_blog(first.posts)
    plan = plan_import(second.posts, blog, second.undated, second.legacy)
    assert [p.title for p in plan.new] == ["From the second feed"] and not plan.changed
    # a permalink guid is the same entry wherever it is found
    url = "https://one.example/posts/1"
    assert parse_feed(rss("https://one.example/", (url, "x")), service=ME).posts[0].item_id \
        == parse_feed(rss("https://mirror.example/", (url, "x")), service=ME).posts[0].item_id


def test_entries_imported_by_earlier_versions_are_recognised_when_unchanged() -> None:
    import hashlib
    from dataclasses import replace

    imported = parse_feed(rss("https://one.example/", ("7", "Seven")), service=ME, now=NOW)
    (post,) = imported.posts
    # earlier versions hashed the bare guid: that is the item the blog holds
    earlier = f"seven-{hashlib.sha256(b'7').hexdigest()[:12]}"
    assert imported.legacy == {post.item_id: earlier.rsplit("-", 1)[1]}
    blog = on_the_blog([replace(post, item_id=earlier)])
    plan = plan_import(imported.posts, blog, imported.undated, imported.legacy)
    assert not plan.new and [p.item_id for p in plan.unchanged] == [earlier]
    # another feed's "7" with other words is not taken for it
    other = parse_feed(rss("https://two.example/", ("7", "Another seven")), service=ME,
                       now=NOW)
    plan = plan_import(other.posts, blog, other.undated, other.legacy)
    assert [p.title for p in plan.new] == ["Another seven"] and not plan.unchanged
