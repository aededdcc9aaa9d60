"""Entries from the faithful corpus, read as a reader sees them: every word the author
wrote is on screen, and only what the sanitiser must drop is gone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from xmppsocial.microblog import parse_entry
from xmppsocial.model import MICROBLOG_NODE
from xmppsocial.render import plain_post, render_post
from xmppsocial.sanitize import is_safe

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
