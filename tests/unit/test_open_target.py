"""``xmppsocial xmpp:URI`` opens the TUI on that blog: the CLI reads it and hands it over."""

from __future__ import annotations

import pytest

from xmppsocial import cli
from xmppsocial.blog_address import BlogAddress
from xmppsocial.cli.open_target import split_open_target
from xmppsocial.config import dump_config, load_config
from xmppsocial.model import MICROBLOG_NODE, NodeRef

URI = "xmpp:alice@example.org?;node=urn:xmpp:microblog:0"


@pytest.mark.parametrize("argv, rest, word", [
    ([URI], [], URI),
    (["--jid", "bob@example.org", URI], ["--jid", "bob@example.org"], URI),
    (["--server", "127.0.0.1:5222", "alice@example.org"], ["--server", "127.0.0.1:5222"],
     "alice@example.org"),
    (["read", "alice@example.org"], ["read", "alice@example.org"], None),  # a command's own
    (["--jid", "me@example.org"], ["--jid", "me@example.org"], None),  # a value, not a blog
    ([], [], None),
])
def test_the_blog_to_open_is_taken_from_where_a_command_would_be(argv, rest, word) -> None:
    assert split_open_target(argv) == (rest, word)


def test_the_tui_is_handed_the_blog(monkeypatch) -> None:
    handed = []
    monkeypatch.setattr(cli, "run_tui", lambda args, target=None: handed.append(target) or 0)
    assert cli.main(["--jid", "bob@example.org", URI]) == 0
    assert handed == [BlogAddress("alice@example.org", MICROBLOG_NODE)]
    assert handed[0].blog == NodeRef("alice@example.org")


def test_an_unreadable_uri_or_a_uri_with_a_command_is_a_usage_error(capsys) -> None:
    assert cli.main(["xmpp:not a jid"]) == 2
    assert "expected a JID" in capsys.readouterr().err
    assert cli.main([URI, "following"]) == 2
    assert "not both" in capsys.readouterr().err


def test_public_follows_is_an_account_setting(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[account]]\njid = "a@b.c"\npublic_follows = true\n'
                    '[[account]]\njid = "d@b.c"\n')
    config = load_config(path)
    first, second = config.accounts
    assert (first.public_follows, second.public_follows) == (True, False)
    path.write_text(dump_config(config))  # what the account screen writes keeps it
    assert [a.public_follows for a in load_config(path).accounts] == [True, False]
    path.write_text('[[account]]\njid = "a@b.c"\npublic_follows = "yes"\n')
    with pytest.raises(ValueError, match="public_follows: expected true or false"):
        load_config(path)
