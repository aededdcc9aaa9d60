"""Standard output of `read`: every network string filtered for the terminal, JSON exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from xmppsocial.cli.output import dumps, post_text
from xmppsocial.model import Author, InReplyTo, Link, Post

TERMINAL = ({chr(c) for c in range(0x20) if chr(c) not in "\n\t"} | {"\x7f"}
            | {chr(c) for c in range(0x80, 0xA0)}
            | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"))
WHEN = datetime(2026, 11, 2, 9, tzinfo=UTC)


def hostile() -> Post:
    return Post(service="mallory@evil.example", node="urn:xmpp:microblog:0:\u202egnp.exe",
                item_id="id-\x9b2J-\x9d0;title\x9c-end", title="Title \u202ereversed\u202c",
                published=WHEN, updated=WHEN,
                author=Author(name="Mal\x9b0mlory", jid="mallory@evil.example", verified=True),
                text="Body \u2066isolated\u2069 words", publisher="mallory@evil.example",
                tags=("tag\x9b31m",), in_reply_to=(InReplyTo("ref\x90x\x9c", None),),
                links=(Link("https://evil.example/\u202e", "related", None, "link \x9dtext"),))


def test_the_text_form_filters_every_network_string() -> None:
    text = post_text(hostile(), 2)
    assert not TERMINAL & set(text), [c for c in text if c in TERMINAL]
    assert "id id---end" in text and "Title reversed" in text and "Mallory" in text
    assert "#tag" in text and "Body isolated words" in text and "in reply to ref" in text


def test_json_escapes_what_a_terminal_acts_on_and_keeps_the_data_exact() -> None:
    out = dumps([(hostile(), 0)])
    assert not TERMINAL & set(out)
    assert "\\u009b2J" in out and "\\u202e" in out  # escaped, not dropped
    back = json.loads(out)[0]
    assert back["id"] == hostile().item_id and back["node"] == hostile().node
    assert back["title"] == hostile().title
    assert json.loads(dumps([(Post("s", "n", "i", "Ünïcödé ✓ 😀", WHEN, WHEN), 0)]))[0][
        "title"] == "Ünïcödé ✓ 😀"
    assert "Ünïcödé ✓ 😀" in dumps([(Post("s", "n", "i", "Ünïcödé ✓ 😀", WHEN, WHEN), 0)])
