"""Without an account the app still opens, offline, on an empty cache; q quits."""

from __future__ import annotations

from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp


async def test_empty_cache_offline(tmp_path) -> None:
    store = Store(tmp_path / "empty.sqlite3")
    app = XmppSocialApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.feed.border_title == "Feed · 0 posts"
        assert str(app.status.render()).startswith("● offline")
        assert "Select a post" in str(app.query_one("#thread-body").render())
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"offline words", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store.draft("new").body == "offline words"  # nothing is lost
        await pilot.press("q")
    assert app.return_code == 0
    store.close()
