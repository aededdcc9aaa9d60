"""The command line takes a verb's options before, between or after its words."""

from __future__ import annotations

import pytest

from xmppsocial.cli.args import build_parser


def parse(*argv: str):
    return build_parser().parse_args(list(argv))


def test_reply_with_the_target_between_the_id_and_the_text() -> None:
    args = parse("reply", "post-123456", "--to", "alice@example.org", "Nice one")
    assert (args.item_id, args.to, args.text) == ("post-123456", "alice@example.org", "Nice one")


def test_edit_with_a_title_before_the_text() -> None:
    args = parse("edit", "post-123456", "--title", "New title", "New *text*")
    assert (args.item_id, args.title, args.text) == ("post-123456", "New title", "New *text*")


@pytest.mark.parametrize("argv", [
    ("post", "--title", "T", "--tag", "a", "Body", "--tag", "b"),
    ("post", "Body", "--title", "T", "--tag", "a", "--tag", "b"),
    ("post", "--tag", "a", "--title", "T", "--tag", "b", "Body"),
])
def test_post_options_in_any_order(argv) -> None:
    args = parse(*argv)
    assert (args.text, args.title, args.tag) == ("Body", "T", ["a", "b"])


def test_global_options_still_come_first_and_reach_the_verb() -> None:
    args = parse("--jid", "me@example.org", "read", "--limit", "3", "alice@example.org")
    assert (args.jid, args.blog, args.limit) == ("me@example.org", "alice@example.org", 3)


@pytest.mark.parametrize("argv", [
    ("like", "--to", "alice@example.org", "post-123456"),
    ("unlike", "post-123456", "--to", "alice@example.org"),
    ("repeat", "--from", "alice@example.org", "post-123456"),
    ("repeat", "post-123456", "--from", "alice@example.org"),
])
def test_the_new_verbs_take_options_anywhere(argv) -> None:
    args = parse(*argv)
    assert args.item_id == "post-123456"
    assert "alice@example.org" in (getattr(args, "to", None), getattr(args, "source", None))


def test_a_dash_dash_lets_text_start_with_a_dash() -> None:
    args = parse("post", "--title", "Cold", "--", "-5 degrees this morning")
    assert args.text == "-5 degrees this morning"


def test_read_keeps_its_exclusive_options() -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse("read", "--more", "--before", "x-123456")
    assert exit_info.value.code == 2


def test_audience_takes_one_of_two_words() -> None:
    assert parse("audience", "contacts").audience == "contacts"
    assert parse("audience").audience is None
    with pytest.raises(SystemExit):
        parse("audience", "friends")
