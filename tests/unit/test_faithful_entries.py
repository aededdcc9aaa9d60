"""Entries from the faithful corpus, read as a reader sees them: every word the author
wrote is on screen, and only what the sanitiser must drop is gone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from xmppsocial.cli.output import post_json, post_text
from xmppsocial.content.microblog import parse_entry
from xmppsocial.content.render import date_label, plain_post, render_post
from xmppsocial.content.sanitize import is_safe
from xmppsocial.model import MICROBLOG_NODE

ENTRIES = Path(__file__).resolve().parent.parent / "data" / "faithful" / "entries"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
JULIET = "juliet@capulet.example"


def read(name: str, service: str = JULIET, node: str = MICROBLOG_NODE, **kwargs):
    return parse_entry((ENTRIES / f"{name}.xml").read_bytes(), service, node,
                       name.replace("_", "-"), now=NOW, **kwargs)


def test_text_after_dropped_elements_with_children_is_kept() -> None:
    for name in ("dropped_children_xhtml", "dropped_children_html"):
        post = read(name)
        shown = render_post(post).plain
        assert shown == plain_post(post)
        for words in ("The clip:", "After the video, the heron flew off.",
                      "A logo inline, then more words.", "After the noscript block.",
                      "Euler: is still true.", "The last paragraph."):
            assert words in shown, (name, shown)
        for dropped in ("cannot play video", "enable scripts", "logo\n", "heron.webm",
                        "Send it", "evil"):
            assert dropped not in shown, (name, dropped)
        assert shown.endswith("The last paragraph.")


def test_stray_c1_controls_go_and_the_text_after_them_stays() -> None:
    post = read("stray_c1")
    assert post.title == "Stray controls in a title stay readable"
    shown = render_post(post).plain
    assert is_safe(shown)
    assert shown == ("A badly encoded body: naive text with stray bytes, here, there and "
                     "everywhere.\nEvery word after them is still here, down to the last one.")


UNDATED = ("date_missing", "date_year_zero", "date_9999_offset", "date_garbage",
           "date_far_future")


def test_entries_with_unusable_dates_are_shown_as_date_unknown() -> None:
    for name in UNDATED:
        post = read(name)
        assert not post.date_known and post.published == NOW  # when it arrived
        assert date_label(post) == "date unknown"
        text = post_text(post, 0)
        assert "· date unknown ·" in text and post.title in text and str(NOW.year) not in text
        assert post_json(post, 0)["published"] is None
        assert plain_post(post) in text.replace("\n   ", "\n")


def test_undated_posts_are_kept_in_order_of_arrival(tmp_path) -> None:
    from xmppsocial.model import NodeRef, PostRef
    from xmppsocial.store import Scope, Store

    store = Store(tmp_path / "cache.sqlite3")
    store.set_feed(NodeRef(JULIET), followed=True)
    dated = parse_entry((ENTRIES / "stray_c1.xml").read_bytes(), JULIET, MICROBLOG_NODE,
                        "dated-1", now=NOW)
    for minute, name in enumerate(UNDATED):
        when = NOW.replace(minute=minute)
        store.upsert_posts([parse_entry((ENTRIES / f"{name}.xml").read_bytes(), JULIET,
                                        MICROBLOG_NODE, name, now=when)])
    store.upsert_posts([dated])
    rows = store.timeline(Scope()).newest(10)
    assert [r.key[2] for r in rows] == [*reversed(UNDATED), "dated-1"]
    assert [r.when for r in rows[:-1]] == [None] * len(UNDATED) and rows[-1].when == dated.published
    again = store.get_post(PostRef(*rows[0].key))  # read back from the cache: still "date unknown"
    assert again is not None and not again.date_known and date_label(again) == "date unknown"
    store.close()


def test_on_any_node_of_a_persons_account_the_owner_is_the_author() -> None:
    for node in ("urn:example:travel-notes", "urn:xmpp:pubsub-social-feed:gallery:1",
                 MICROBLOG_NODE):
        post = read("pep_other_node_spoof", node=node)  # no publisher attribute sent
        assert post.author.jid == JULIET and post.author.name == "" and not post.author.verified
        assert "Server Admin" not in post_text(post, 0) and JULIET in post_text(post, 0)
    # a pubsub service is not a person: nobody is vouched for there without a publisher
    post = read("pep_other_node_spoof", service="pubsub.capulet.example", node="travel")
    assert post.author.jid == "admin@capulet.example" and not post.author.verified
    # comments nodes on a person's account are open to everyone's comments
    comment = read("pep_other_node_spoof", node="urn:xmpp:microblog:0:comments/abc123")
    assert comment.author.jid == "admin@capulet.example" and not comment.author.verified


def test_a_publisher_that_cannot_be_a_jid_is_not_believed() -> None:
    post = read("pep_other_node_spoof", publisher="admin\u202e@capulet.example")
    assert post.author.jid == JULIET
    assert read("date_missing", publisher="romeo@montague.example/phone").publisher == (
        "romeo@montague.example")


def test_an_entry_with_a_photo_and_no_words_is_shown_under_what_it_carries() -> None:
    post = read("no_words")
    assert post.title == "[image: heron.jpg]" and post.title_derived
    assert post.enclosures[0].href == "https://photos.example/2026/heron.jpg"
    assert "https://photos.example/2026/heron.jpg" in post_text(post, 0)
