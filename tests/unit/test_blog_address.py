"""Reading what a person types to open a blog."""

from __future__ import annotations

import pytest

from xmppsocial.blog_address import (
    AddressError,
    BlogAddress,
    looks_like_address,
    parse_blog_address,
)
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef


@pytest.mark.parametrize("text", [
    "alice@example.org", " Alice@Example.org ", "alice@example.org/phone",
    "xmpp:alice@example.org", "xmpp:alice@example.org?;node=urn:xmpp:microblog:0",
    "xmpp:alice@example.org?;node=urn%3Axmpp%3Amicroblog%3A0",
    "XMPP:alice@example.org?pubsub;node=urn:xmpp:microblog:0",
])
def test_a_person_opens_their_blog(text: str) -> None:
    assert parse_blog_address(text).blog == NodeRef("alice@example.org", MICROBLOG_NODE)


def test_a_community_a_post_and_a_service() -> None:
    community = parse_blog_address("xmpp:pubsub.movim.eu?;node=Movim")
    assert community.blog == NodeRef("pubsub.movim.eu", "Movim") and not community.follow
    post = parse_blog_address("xmpp:alice@example.org?;node=urn%3Axmpp%3Amicroblog%3A0;"
                              "item=balcony-123")
    assert post.post == PostRef("alice@example.org", MICROBLOG_NODE, "balcony-123")
    service = parse_blog_address("pubsub.example.org")
    assert service == BlogAddress("pubsub.example.org") and service.blog is None
    assert parse_blog_address("xmpp:pubsub.example.org").blog is None
    follow = parse_blog_address("xmpp:pubsub.movim.eu?pubsub;action=subscribe;node=Movim")
    assert follow.follow and follow.blog == NodeRef("pubsub.movim.eu", "Movim")


def test_the_uri_round_trips() -> None:
    address = parse_blog_address("xmpp:pubsub.movim.eu?;node=Movim;item=x-1")
    assert parse_blog_address(address.uri) == address


@pytest.mark.parametrize("text", [
    "", "   ", "alice", "alice@", "@example.org", "alice@@example.org", "a b@example.org",
    "xmpp:", "xmpp:?;node=x", "xmpp:alice@example.org?;node=", "http://example.org/blog",
    "xmpp:alice@example.org?;node=a%00b", "xmpp:a b@example.org",
])
def test_what_is_not_an_address_is_refused_in_a_persons_words(text: str) -> None:
    with pytest.raises(AddressError, match="expected a JID"):
        parse_blog_address(text)


def test_which_command_line_words_mean_open_this() -> None:
    assert looks_like_address("xmpp:alice@example.org?;node=urn:xmpp:microblog:0")
    assert looks_like_address("alice@example.org")
    assert not looks_like_address("read") and not looks_like_address("--jid")
