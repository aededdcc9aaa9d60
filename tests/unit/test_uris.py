"""xmpp: pubsub URIs as peers write them."""

from __future__ import annotations

from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.uris import (
    is_valid_item_id,
    parse_node_uri,
    parse_post_uri,
    parse_pubsub_uri,
    post_uri,
    pubsub_uri,
)


def test_build_encodes_node_and_item() -> None:
    assert pubsub_uri("juliet@capulet.example", "urn:xmpp:microblog:0:comments/a b") == (
        "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2Fa%20b")
    assert post_uri(PostRef("juliet@capulet.example", MICROBLOG_NODE, "x;y=z")).endswith(
        ";item=x%3By%3Dz")


def test_parse_raw_movim_and_encoded_libervia_forms_alike() -> None:
    raw = "xmpp:juliet@capulet.example?;node=urn:xmpp:microblog:0;item=abc-123"
    encoded = "xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0;item=abc-123"
    expected = PostRef("juliet@capulet.example", MICROBLOG_NODE, "abc-123")
    assert parse_post_uri(raw) == parse_post_uri(encoded) == expected


def test_parse_action_form_and_rejects() -> None:
    assert parse_node_uri("xmpp:pubsub.example?pubsub;action=subscribe;node=Movim") == \
        NodeRef("pubsub.example", "Movim")
    assert parse_pubsub_uri("https://example.org/?node=x") is None
    assert parse_post_uri("xmpp:juliet@capulet.example?;node=n") is None


def test_item_id_rules() -> None:
    assert is_valid_item_id("abc-12") and is_valid_item_id("a" * 128)
    assert not is_valid_item_id("short") and not is_valid_item_id("a" * 129)
    assert not is_valid_item_id("has space1") and not is_valid_item_id("semi;colon")
