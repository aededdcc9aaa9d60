"""The first screen: both panes and the status line are there, and q quits."""

from __future__ import annotations

from textual.widgets import Static

from xmppsocial.ui.app import XmppSocialApp


async def test_first_screen_shows_panes_and_offline_status() -> None:
    app = XmppSocialApp()
    async with app.run_test(size=(100, 30)) as pilot:
        feed = app.query_one("#feed-pane")
        thread = app.query_one("#thread-pane")
        assert feed.border_title == "Feed"
        assert thread.border_title == "Thread"
        status = app.query_one("#status-line", Static)
        assert str(status.render()) == "offline"
        await pilot.press("q")
    assert app.return_code == 0
