"""The demo's content on a real Prosody, seen through the real app."""

from __future__ import annotations

import pytest

from tests.integration.test_tui_end_to_end import post_rows, wait_until
from xmppsocial.config import Account
from xmppsocial.demo.seed import PASSWORD, USER, remember_follows, seed
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration


async def test_demo_seed_and_first_screen(prosody, tmp_path) -> None:
    accounts = await seed(prosody, prefix=f"d{tmp_path.name[-8:]}-")
    assert set(accounts) == {USER, "alice", "bob", "carol", "dave"}
    store = Store(tmp_path / "demo.sqlite3")
    remember_follows(store, accounts)
    app = build_app(store, Account(accounts[USER].jid, host=prosody.host, port=prosody.port,
                                   ca_file=prosody.cafile), PASSWORD)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: app.status.state.value == "online", pilot, 15)
        await wait_until(lambda: len(post_rows(app)) >= 40, pilot, 15)
        authors = {row.author for row in post_rows(app)}
        assert {"Alice Marchetti", "Bob Okafor", "You", "Dave's Old Mill"} <= authors
        assert "Carol Lindqvist" not in authors  # not followed
        # alice commented on your first post: showing it fetches the comments. Blogs came
        # in one after another above the reader's place: g goes up to the newest.
        await pilot.press("g")
        for _ in range(len(app.feed.rows)):
            if getattr(app.feed.current, "title", "") == "Hello from the demo":
                break
            await pilot.press("j")
        await wait_until(lambda: "Welcome! Follow me" in str(
            app.query_one("#thread-body").render()), pilot, 10)
        assert app.feed.current.comments == 1
    store.close()
