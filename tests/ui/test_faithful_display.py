"""What the TUI shows of posts whose entries were damaged: the words, and "date unknown"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.ui.conftest import BOB, NOW
from xmppsocial.content.microblog import parse_entry
from xmppsocial.model import MICROBLOG_NODE

ENTRIES = Path(__file__).resolve().parent.parent / "data" / "faithful" / "entries"


async def test_an_undated_post_says_date_unknown_in_the_feed_and_the_thread(
        store, app_with_fake) -> None:
    app, _ = app_with_fake
    # arrived after every other post of the cache: it is on top, where it arrived
    post = parse_entry((ENTRIES / "date_garbage.xml").read_bytes(), BOB, MICROBLOG_NODE,
                       "date-garbage", now=NOW)
    store.upsert_posts([post])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert app.feed.current.title == "Dates in words"
        thread = str(app.query_one("#thread-body", Static).render())
        assert "date unknown" in thread
        assert "Neither date can be read, and the post is still worth reading." in thread
        first_row = app.feed.render_line(0).text
        assert "bob@example.org" in first_row and "date unknown" in first_row
        assert "date unknown" not in app.feed.render_line(3).text  # the next post is dated
