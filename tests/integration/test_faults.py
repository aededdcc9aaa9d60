"""The server dies under a running TUI: offline is shown, the app comes back by itself,
what was published meanwhile appears once, and a post written offline is sent once."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import account_factory, require_binary
from tests.integration.test_service import a_post, online
from tests.integration.test_tui_end_to_end import post_rows, wait_until
from xmppsocial.config import Account
from xmppsocial.localserver import XmppServer
from xmppsocial.model import ConnectionState, NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration


@pytest.fixture
def own_prosody(tmp_path):
    """A Prosody of this test's own, with Debian's file storage, so data survives a crash."""
    require_binary("prosody")
    (tmp_path / "server").mkdir()
    server = XmppServer("prosody", tmp_path / "server", settings={"fast": "0"})
    server.start()
    yield server
    server.stop()


async def test_server_crash_and_restart_under_the_tui(own_prosody, tmp_path) -> None:
    server = own_prosody
    new_account = account_factory(server)
    alice_settings, bob_settings = await new_account("alice"), await new_account("bob")
    alice, _ = await online(alice_settings)
    await alice.publish_post(a_post(alice.jid, "before-crash-1", "Before", "x"), access="open")
    await alice.stop()
    # Bob really follows Alice: whether he is back before or after she posts, the post
    # reaches him (a push, or the resync after reconnecting).
    bob, _ = await online(bob_settings)
    await bob.follow(NodeRef(alice_settings.jid))
    await bob.stop()

    store = Store(tmp_path / "bob.sqlite3")
    store.set_feed(NodeRef(alice_settings.jid), followed=True)
    account = Account(bob_settings.jid, host=server.host, port=server.port,
                      ca_file=server.cafile)
    app = build_app(store, account, bob_settings.password)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: app.status.state is ConnectionState.ONLINE, pilot)
        await wait_until(lambda: len(post_rows(app)) == 1, pilot)
        app.service.backoff = (0.3, 1.0)

        server.kill()
        await wait_until(lambda: app.status.state is not ConnectionState.ONLINE, pilot)
        assert "offline" in str(app.status.render()) or "connecting" in str(app.status.render())
        # written while the server is down: kept, shown as waiting
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Written offline", "ctrl+s")
        await app.workers.wait_for_complete()
        await wait_until(lambda: app.status.pending == 1, pilot)
        assert "1 waiting to send" in str(app.status.render())

        server.start()
        alice, _ = await online(alice_settings)
        await alice.publish_post(a_post(alice.jid, "after-crash-2", "After", "y"))
        await wait_until(lambda: app.status.state is ConnectionState.ONLINE, pilot, 30)
        await wait_until(lambda: app.status.pending == 0, pilot, 15)
        await wait_until(lambda: any(row.title == "After" for row in post_rows(app)), pilot, 15)
        keys = [row.key for row in post_rows(app)]
        assert len(keys) == len(set(keys)) == 3  # before, after, and bob's own: once each
    page = await alice.fetch_latest(NodeRef(bob_settings.jid), 10, deliver=False)
    assert [p.title for p in page.posts] == ["Written offline"]
    await alice.stop()
    store.close()


async def test_server_killed_while_the_tui_runs(own_prosody, tmp_path) -> None:
    """The countdown in words at 80 columns, and ctrl+r connecting at once once the
    server is back, with what was posted meanwhile."""
    server = own_prosody
    new_account = account_factory(server)
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    alice, _ = await online(alice_s)
    await alice.publish_post(a_post(alice.jid, "before-kill-1", "Before", "x"), access="open")
    await alice.stop()
    store = Store(tmp_path / "bob.sqlite3")
    store.set_feed(NodeRef(alice_s.jid), followed=True)
    app = build_app(store, Account(bob_s.jid, host=server.host, port=server.port,
                                   ca_file=server.cafile), bob_s.password)
    try:
        async with app.run_test(size=(80, 30)) as pilot:
            await wait_until(lambda: app.status.state.value == "online", pilot, 20)
            app.service.backoff = (20.0, 30.0)  # a wait long enough to read
            server.kill()
            await wait_until(lambda: "offline · retry in" in str(app.status.render()),
                             pilot, 30)
            shown = str(app.status.render())
            assert "Errno" not in shown and len(shown) <= 80
            await asyncio.to_thread(server.start)
            alice, _ = await online(alice_s)
            await alice.publish_post(a_post(alice.jid, "while-away-1", "Meanwhile", "y"))
            await alice.stop()
            await pilot.press("ctrl+r")  # no need to wait out the 20 s
            await wait_until(lambda: app.status.state.value == "online", pilot, 15)
            await wait_until(lambda: any(r.title == "Meanwhile" for r in post_rows(app)),
                             pilot, 20)
    finally:
        store.close()
