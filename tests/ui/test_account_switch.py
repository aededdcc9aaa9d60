"""Two accounts in config.toml: S switches, and the app that starts again for the other
account shows its own cache only (posts, follows, drafts)."""

from __future__ import annotations

import socket

import pytest
from textual.widgets import OptionList

from tests.unit.store_factory import make_post
from xmppsocial import paths
from xmppsocial.cli import build_tui
from xmppsocial.cli.args import build_parser
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.screens.links import LinkPicker

BOB, DAVE, ALICE = "bob@example.org", "dave@example.org", "alice@example.org"


@pytest.fixture
def two_accounts(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("XMPPSOCIAL_PASSWORD", "not-used-here")
    with socket.socket() as s:  # nothing listens there: both stay offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text(
        f'[[account]]\njid = "{BOB}"\nserver = "127.0.0.1:{port}"\n\n'
        f'[[account]]\njid = "{DAVE}"\nserver = "127.0.0.1:{port}"\n')
    bob = Store(paths.database_file(BOB))
    bob.set_feed(NodeRef(ALICE), followed=True)
    bob.upsert_posts([make_post(ALICE, "alice-post-1", title="Alice, read by Bob")])
    bob.save_draft("new", body="Bob's half-written post")
    bob.close()


async def test_switching_account_starts_over_with_the_other_accounts_cache(two_accounts) -> None:
    args = build_parser().parse_args([])
    app, store = build_tui(args)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            assert [app.feed.rows.row(0).title] == ["Alice, read by Bob"]
            await pilot.press("S")
            await pilot.pause()
            assert isinstance(app.screen, LinkPicker)
            assert [href for _, href in app.screen.links] == [DAVE]
            for _ in range(40):
                if isinstance(app.focused, OptionList):
                    break
                await pilot.pause(0.05)
            await pilot.press("enter")
            await pilot.pause()
        assert app.switch_to == DAVE
    finally:
        store.close()
    args.jid = app.switch_to  # what run_tui does next
    app, store = build_tui(args)
    try:
        assert store.follows() == {} and store.drafts() == []
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            assert app.feed.rows.post_count() == 0
            assert app.status.account == DAVE
    finally:
        store.close()
