"""The feed pane's Line-API view: rows drawn from the reading model, keys that move it."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.ui.fake_timeline import EPOCH, ListPosts, make_rows
from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import age
from xmppsocial.store import Store
from xmppsocial.ui.widgets.timeline_view import ROW_HEIGHT, TimelineView


class TimelineApp(App[None]):
    def __init__(self, source: ListPosts) -> None:
        super().__init__()
        self.store = Store(":memory:")
        self.reader = Reader(self.store, posts=lambda scope: source)

    def compose(self) -> ComposeResult:
        yield TimelineView(self.reader, clock=lambda: EPOCH, id="feed")


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_rows_show_author_title_and_preview() -> None:
    app = TimelineApp(ListPosts(make_rows(10)))
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Author 0" in text and "Post number 0" in text and "Body text of post 0" in text
        assert "Post number 3" in text and "Post number 4" not in text  # 12 lines = 4 rows


async def test_keys_move_the_cursor_and_scroll() -> None:
    app = TimelineApp(ListPosts(make_rows(500)))
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(TimelineView)
        view.focus()
        await pilot.press("j", "j", "down")
        assert view.cursor == 3
        await pilot.press("k")
        assert view.cursor == 2
        await pilot.press("G")
        assert view.cursor == 499
        await pilot.pause()
        assert "Post number 499" in screen_text(app)
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0


async def test_a_hundred_thousand_rows_load_only_the_pages_shown() -> None:
    source = ListPosts(make_rows(100_000))
    app = TimelineApp(source)
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(TimelineView)
        view.focus()
        await pilot.press("G")
        await pilot.pause()
        assert "Post number 99999" in screen_text(app)
        await pilot.press("pageup", "k")
        await pilot.pause()
        assert view.virtual_size.height == 100_000 * ROW_HEIGHT
        # the last page came from the end, its neighbour by keyset; never an offset scan
        assert "at_offset" not in source.calls
        assert len(view.reader.window._pages) <= 3


def test_age_is_short() -> None:
    from datetime import timedelta
    assert [age(EPOCH - timedelta(seconds=s), EPOCH) for s in (5, 120, 7200, 86400 * 3)] == [
        "5s", "2m", "2h", "3d"]
