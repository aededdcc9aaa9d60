"""The real app while its server dies: the status line counts down to the next attempt in
words, ctrl+r tries at once, and once the server is back the app is online again with
what was posted meanwhile (Prosody, killed with SIGKILL and started again)."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import account_factory, require_binary
from tests.integration.test_service import a_post, online
from tests.integration.test_tui_end_to_end import post_rows, wait_until
from xmppsocial.config import Account
from xmppsocial.localserver import XmppServer
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration


@pytest.fixture
def own_prosody(tmp_path):
    """A Prosody of this test's own, with file storage, that it may kill."""
    require_binary("prosody")
    directory = tmp_path / "server"
    directory.mkdir()
    server = XmppServer("prosody", directory, settings={"fast": "0"})
    server.start()
    yield server
    server.stop()


async def test_server_killed_while_the_tui_runs(own_prosody, tmp_path) -> None:
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
