"""The real app against a real Prosody: a post pushed by another client shows up, a reply
typed in the composer reaches the author."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.test_service import a_post, online
from xmppsocial.config import Account
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration


def post_rows(app) -> list:
    """The post rows of the main feed (history marks left out)."""
    from xmppsocial.reading.rows import PostRow

    rows = (app.feed.rows.row(i) for i in range(len(app.feed.rows)))
    return [row for row in rows if isinstance(row, PostRow)]


async def wait_until(predicate, pilot, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)


async def test_live_post_and_reply_from_the_composer(prosody, tmp_path) -> None:
    from tests.conftest import account_factory

    new_account = account_factory(prosody)
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    comments = await alice.create_comments_node("hello-from-alice")
    from dataclasses import replace
    await alice.publish_post(replace(a_post(alice.jid, "hello-from-alice", "Hello Bob", "hi"),
                                     comments=comments), access="open")
    await alice.follow(comments)
    store = Store(tmp_path / "bob.sqlite3")
    store.set_feed(NodeRef(alice.jid), followed=True)
    account = Account(bob_settings.jid, host=prosody.host, port=prosody.port,
                      ca_file=prosody.cafile)
    app = build_app(store, account, bob_settings.password)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(lambda: app.status.state.value == "online", pilot)
            # the resync after connecting brought alice's existing post
            await wait_until(lambda: getattr(app.feed.current, "title", "") == "Hello Bob", pilot)
            await app.service.follow(alice.own_blog)
            await alice.publish_post(a_post(alice.jid, "live-post-0001", "Live!", "pushed"))
            # it comes in above, the cursor stays on the post being read
            await wait_until(lambda: app.feed.rows.row(0).title == "Live!", pilot)
            assert app.feed.current.title == "Hello Bob"

            await pilot.pause(0.2)
            await pilot.press("r")
            await pilot.pause()
            await pilot.press(*"Thanks Alice", "ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
        thread = await alice.comments(await alice.fetch_post(
            a_post(alice.jid, "hello-from-alice", "", "").ref))
        assert [c.title for c in thread] == ["Thanks Alice"]
    finally:
        await alice.stop()
        store.close()


async def test_first_run_account_screen_writes_config_and_connects(prosody, tmp_path,
                                                                   monkeypatch) -> None:
    import stat

    from textual.widgets import Checkbox, Input

    from tests.conftest import account_factory
    from xmppsocial import paths
    from xmppsocial.config import load_config
    from xmppsocial.ui.screens.account import AccountScreen

    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    settings = await account_factory(prosody)("newbie")
    store = Store(":memory:")
    app = build_app(store, None, None, first_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        screen = app.screen
        screen.query_one("#jid", Input).value = settings.jid
        screen.query_one("#password", Input).value = settings.password
        screen.query_one("#remember", Checkbox).value = False
        screen.query_one("#server", Input).value = f"{prosody.host}:{prosody.port}"
        screen.query_one("#ca-file", Input).value = str(prosody.cafile)
        await pilot.click("#connect")
        await wait_until(lambda: app.status.state.value == "online", pilot)
    config_file = paths.config_file()
    account = load_config().account()
    assert (account.jid, account.port, account.verify_tls) == (settings.jid, prosody.port, True)
    assert settings.password not in config_file.read_text()
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    store.close()
