"""xmpp: pubsub URIs as peers write them (XEP-0060 §13.22), and item ids."""

from __future__ import annotations

import pytest

from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.uris import (
    is_valid_item_id,
    jid_of_uri,
    new_item_id,
    parse_node_uri,
    parse_post_uri,
    parse_pubsub_uri,
    post_uri,
    pubsub_uri,
    slugify,
)

JULIET = "juliet@capulet.example"


def test_build_encodes_node_and_item() -> None:
    assert pubsub_uri(JULIET, "urn:xmpp:microblog:0:comments/a b") == (
        "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2Fa%20b")
    assert post_uri(PostRef(JULIET, MICROBLOG_NODE, "x;y=z?#+é")) == (
        "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0;item=x%3By%3Dz%3F%23%2B%C3%A9")


def test_parse_raw_movim_and_encoded_libervia_forms_alike() -> None:
    raw = "xmpp:juliet@capulet.example?;node=urn:xmpp:microblog:0;item=abc-123"
    encoded = "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0;item=abc-123"
    expected = PostRef(JULIET, MICROBLOG_NODE, "abc-123")
    assert parse_post_uri(raw) == parse_post_uri(encoded) == expected
    assert parse_post_uri(" XMPP:" + raw[5:] + "#frag ") == expected


def test_decoding_is_percent_only() -> None:
    # RFC 5122 encodes spaces as %20: a '+' is a plus sign.
    assert parse_post_uri("xmpp:s.example?;node=a%2Fb+c;item=x%3By") == PostRef(
        "s.example", "a/b+c", "x;y")
    assert parse_post_uri("xmpp:s.example?;item=i-1;node=n") == PostRef("s.example", "n", "i-1")


def test_parse_action_form_separators_and_authority() -> None:
    assert parse_node_uri("xmpp:pubsub.example?pubsub;action=subscribe;node=Movim") == \
        NodeRef("pubsub.example", "Movim")
    assert parse_node_uri("xmpp:pubsub.example?pubsub&node=Movim") == \
        NodeRef("pubsub.example", "Movim")
    # xmpp://account/target: the authority is who acts, the path is the target.
    assert parse_node_uri("xmpp://me@home.example/pubsub.example?;node=n") == \
        NodeRef("pubsub.example", "n")


@pytest.mark.parametrize("uri", [
    "https://example.org/?node=x", "xmpp:", "xmpp:?;node=n", "xmpp:has space?;node=n",
    "xmpp:s.example?;node=%1B%5B2J", "xmpp:s.example?;node=n;item=%07", "mailto:a@b",
])
def test_rejects(uri: str) -> None:
    assert parse_node_uri(uri) is None and parse_post_uri(uri) is None


def test_a_node_without_item_is_no_post() -> None:
    assert parse_post_uri("xmpp:juliet@capulet.example?;node=n") is None
    assert parse_pubsub_uri("xmpp:juliet@capulet.example") == (JULIET, None, None)


@pytest.mark.parametrize("uri, jid", [
    ("xmpp:juliet@capulet.example", JULIET),
    ("xmpp:Juliet@Capulet.Example/Balcony", JULIET),
    ("xmpp:juliet%40capulet.example", JULIET),
    ("xmpp:juliet@capulet.example?message", JULIET),
    ("xmpp:capulet.example", "capulet.example"),
    ("https://capulet.example/juliet", None), ("", None), (None, None), ("xmpp:", None),
    ("xmpp:a@b@c.example", None), ("xmpp:ju liet@capulet.example", None),
])
def test_jid_of_author_uri(uri: str | None, jid: str | None) -> None:
    assert jid_of_uri(uri) == jid


def test_item_id_rules() -> None:
    assert is_valid_item_id("abc-12") and is_valid_item_id("a" * 128)
    assert is_valid_item_id("Az09._~-")
    for bad in ("short", "a" * 129, "has space1", "semi;colon", "abcdef\n", "ùnicode1",
                "a/b/c/d", "q?uery=1"):
        assert not is_valid_item_id(bad), bad


def test_new_item_ids() -> None:
    assert slugify("  Ça va? Oui; très=bien!  ") == "ca-va-oui-tres-bien"
    assert slugify("a" * 100) == "a" * 48
    ids = [new_item_id("Balcony restored"), new_item_id(""), new_item_id("日本語"),
           new_item_id("x" * 500)]
    assert ids[0].startswith("balcony-restored-") and ids[1].startswith("post-")
    assert ids[2].startswith("post-")
    assert all(is_valid_item_id(i) for i in ids)
    assert len({new_item_id("same") for _ in range(100)}) == 100


def test_jids_with_controls_bidi_or_invisible_characters_are_refused() -> None:
    from xmppsocial.uris import bare_jid

    assert jid_of_uri("xmpp:Juliet@Capulet.example/balcony") == "juliet@capulet.example"
    assert jid_of_uri("xmpp:jürgen@example.de") == "jürgen@example.de"
    for bad in ("xmpp:admin\u202e@example.org", "xmpp:ad\u200bmin@example.org",
                "xmpp:a%C2%9Bb@example.org", "xmpp:a b@example.org", "xmpp:@example.org"):
        assert jid_of_uri(bad) is None, bad
    assert bare_jid("mallory\u2066@evil.example") is None and bare_jid("") is None
