"""The faithful feed corpus imported with `xmppsocial import`, from files and from a
loopback HTTP server sending real headers, then read back by another account: what the
reader sees is what the feeds say, one item per entry, and importing again publishes
nothing. Against both servers."""

from __future__ import annotations

import json

import pytest

from tests.data.faithful.corpus import FEEDS, huge_feed
from tests.integration.test_cli import Cli
from tests.loopback_http import serving

pytestmark = pytest.mark.integration


def summary(out: str) -> str:
    return out.strip().splitlines()[-1]


async def test_the_corpus_imports_faithfully_and_once(xmpp_server, new_account,
                                                      tmp_path) -> None:
    alice = Cli(await new_account("alice"), tmp_path / "alice")
    huge = tmp_path / "huge.atom"
    huge.write_bytes(huge_feed())
    routes = {
        "/latest": ((FEEDS / "relative.atom").read_bytes(), {
            "Content-Type": "application/atom+xml",
            "Content-Location": "/blog/archive/feed.atom"}),
        "/ru.rss": ((FEEDS / "header_charset.rss").read_bytes(), {
            "Content-Type": "application/rss+xml; charset=koi8-r",
            "Content-Language": "ru"}),
    }
    with serving(routes) as base:
        sources = {str(FEEDS / "titles_and_bodies.atom"): 8, str(FEEDS / "no_ids.atom"): 7,
                   str(FEEDS / "atom03.xml"): 2, str(FEEDS / "guessed_cp1251.rss"): 2,
                   str(huge): 2, f"{base}/latest": 2, f"{base}/ru.rss": 2}
        for n, (source, count) in enumerate(sources.items()):
            extra = ("--access", "open") if n == 0 else ()
            code, out, err = await alice("import", source, *extra)
            assert code == 0, err
            assert summary(out) == f"{count} new, 0 changed, 0 unchanged, 0 failed", (source, err)
            if source.endswith("cp1251.rss"):
                assert "note: its text is not in the encoding it declares (utf-8); read as " \
                       "Windows-1251" in err
            if source == str(huge):
                assert "too long for one post, cut with a note" in err
        # the same sources again: nothing to publish
        for source, count in sources.items():
            code, out, err = await alice("import", source)
            assert code == 0, err
            assert summary(out) == f"0 new, 0 changed, {count} unchanged, 0 failed", (source, err)

    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, out, err = await bob("read", alice.settings.jid, "--limit", "100", "--json")
    assert code == 0, err
    posts = json.loads(out)
    assert len(posts) == sum(sources.values())  # one item per entry
    by_title: dict[str, list[dict]] = {}
    for post in posts:
        by_title.setdefault(post["title"], []).append(post)

    def one(title: str) -> dict:
        assert len(by_title.get(title, [])) == 1, (title, sorted(by_title))
        return by_title[title][0]

    one("Q&A about <angle brackets>")
    one("Example Atom title")
    one("An XHTML title & more")
    assert one("History of the <blink> tag")["content"].startswith(
        "The <blink> tag made text flash; <marquee> made it scroll.")
    assert one("Plain summary")["content"] == "Keep <this> exactly: a < b and c > d."
    assert one("Written by a guest")["author_name"] == "Gustav Guest"
    assert one("Only a title, nothing else")["content"] == "Only a title, nothing else"
    assert [link["href"] for link in one("Shouting links")["links"]
            if link["rel"] == "enclosure"] == ["https://notes.example/loud.mp3"]
    contents = sorted(p["content"] for p in posts)
    assert contents.count("Said twice.") == 2
    assert {"First untitled, undated note.", "Second untitled, undated note.",
            "Monday's version.", "Tuesday's version."} <= set(contents)
    assert one("Created only")["published"].startswith("2004-12-01T10:00:00")
    big = one("A five megabyte entry")["content"]
    assert big.startswith("All work and no play.") and big.endswith("more characters]")
    relative = one("Links from the document's address")
    assert {link["href"] for link in relative["links"] if link["rel"] != "alternate"} == {
        f"{base}/blog/archive/posts/one.html", f"{base}/media/one.mp3"}
    assert f"<{base}/blog/archive/two.html>" in relative["content"]
    assert len(by_title["Привет, мир"]) == 2  # the header-declared and the detected one
    assert all(p["content"] == "Съешь же ещё этих мягких французских булок, да выпей чаю."
               for p in by_title["Привет, мир"])

    code, text, err = await bob("read", alice.settings.jid, "--limit", "100")
    assert code == 0, err
    assert "── Q&A about <angle brackets>\n" in text and "&amp;" not in text
    assert "── History of the <blink> tag\n" in text
