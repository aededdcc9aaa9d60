"""Reading with the keys, as a user does: read state that follows the eye, mark all and undo,
links in bodies, search and tags with a way back, counts and clocks that stay current,
and the settings of config.toml that change all this."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.widgets import Input, OptionList, Static

from tests.ui.conftest import BOB, ME, NOW
from tests.unit.store_factory import make_post
from xmppsocial.config import Preferences
from xmppsocial.model import ContentType, PostRef
from xmppsocial.ui.app import XmppSocialApp
from xmppsocial.ui.screens.blog import BlogScreen
from xmppsocial.ui.screens.links import LinkPicker
from xmppsocial.ui.widgets.timeline_view import TimelineView


def make_app(store, **preferences) -> tuple[XmppSocialApp, dict]:
    from tests.ui.fake_service import FakeService

    holder: dict = {}

    def factory(sink):
        holder["service"] = FakeService(ME, sink)
        return holder["service"]

    app = XmppSocialApp(store, service_factory=factory, account=ME, clock=lambda: NOW,
                        preferences=Preferences(**preferences))
    return app, holder


def unread(store, title: str) -> bool:
    n = int(title.rsplit(" ", 1)[1])
    return store.is_unread(PostRef(BOB if n % 3 else ME, "urn:xmpp:microblog:0",
                                   f"post-{n:05d}"))


async def wait(pilot, predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def test_a_post_read_for_a_second_becomes_read_and_passing_over_does_not(store) -> None:
    """The defect: moving onto a post and reading it left it unread; only Enter marked."""
    app, _ = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j", "j", "j")  # over 28, 27, 26 quickly, onto 25
        await wait(pilot, lambda: not unread(store, "Post number 25"))
        assert unread(store, "Post number 28") and unread(store, "Post number 26")
        assert unread(store, "Post number 29")  # shown only a moment, at start
        assert app.feed.current.title == "Post number 25" and not app.feed.current.unread
        assert app.status.unread == 20 - 1


async def test_only_on_enter_keeps_read_state_as_it_was(store) -> None:
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(1.5)
        assert unread(store, "Post number 29")
        await pilot.press("enter")
        assert not unread(store, "Post number 29")


async def test_u_marks_the_post_it_leaves_and_a_marks_the_view_with_undo(store) -> None:
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("u")  # from 29 (unread) to the next unread: 28
        await pilot.pause()
        assert not unread(store, "Post number 29") and app.feed.current.title == "Post number 28"
        assert not app.feed.rows.row(0).unread  # the row says so at once
        await pilot.press("A")
        await pilot.pause()
        assert app.status.unread == 0 and not app.feed.current.unread
        assert any("Press z to undo" in str(n.message) for n in app._notifications)
        await pilot.press("z")
        await pilot.pause()
        assert app.status.unread == 19 and app.feed.current.unread


async def test_o_offers_the_links_in_the_body(store, monkeypatch) -> None:
    """The defect: "no web links" on a post whose body has a link."""
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    body = ('<div xmlns="http://www.w3.org/1999/xhtml"><p>Read <a href="https://one.example/">'
            'this</a> and <a href="https://two.example/">that</a>.</p></div>')
    store.upsert_posts([replace(make_post(BOB, "links-00001", minutes=20_000, title="Links"),
                                body=body, body_type=ContentType.XHTML, raw="")])
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        assert app.feed.current.title == "Links"
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        assert [href for _, href in app.screen.links] == ["https://one.example/",
                                                          "https://two.example/"]
        await wait(pilot, lambda: isinstance(app.focused, OptionList))
        await pilot.press("down", "enter")
        await pilot.pause()
        assert opened == ["https://two.example/"]


async def test_escape_leaves_search_back_to_where_the_reader_was(store) -> None:
    """The defect: Escape did not leave search."""
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j", "j", "j", "j")
        await pilot.pause(0.1)
        place = (app.feed.current.key, app.feed.cursor, app.feed.scroll_offset.y)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("escape")  # out of the box, nothing else changed
        await pilot.pause()
        assert not app.query_one("#search", Input).has_class("shown") and app.feed.has_focus
        await pilot.press("slash", *"number 7", "enter")
        await pilot.pause()
        assert app.feed.current.title == "Post number 7"
        assert app.feed.border_title == "Search “number 7” · 1 post"
        await pilot.press("escape")  # out of the results: back to the feed, same place
        await pilot.pause()
        assert (app.feed.current.key, app.feed.cursor, app.feed.scroll_offset.y) == place
        assert app.feed.border_title == "Feed · 30 posts"


async def test_tags_show_in_rows_and_lead_to_a_tag_view(store) -> None:
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        # post 29 carries the tag garden
        await wait(pilot, lambda: "Bob  7h  ♥1  ↳1  #garden" in screen(app))
        await pilot.press("t")
        await wait(pilot, lambda: app.feed.border_title == "#garden · 15 posts")
        await pilot.press("escape")
        await pilot.pause()
        await wait(pilot, lambda: app.feed.border_title == "Feed · 30 posts")
        await pilot.press("slash", *"tag:garden", "enter")
        await wait(pilot, lambda: app.feed.border_title == "#garden · 15 posts")


async def test_the_feed_count_and_relative_times_stay_current(store) -> None:
    now = [NOW]
    app, holder = make_app(store, mark_read="enter")
    app.clock = lambda: now[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        holder["service"].push(make_post(BOB, "fresh-00001", minutes=719, title="Fresh"))
        await wait(pilot, lambda: app.feed.border_title == "Feed · 31 posts")
        await pilot.press("g")
        await wait(pilot, lambda: "Bob  1m" in screen(app))
        now[0] = NOW + timedelta(minutes=5)
        await wait(pilot, lambda: "Bob  6m" in screen(app), 5)  # redrawn by the clock


async def test_the_blog_view_starts_with_focus_in_its_list(store) -> None:
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BlogScreen)
        assert isinstance(app.focused, TimelineView)
        await pilot.press("j")
        assert app.focused.current.title == "Post number 28"


async def test_a_theme_chosen_is_saved_and_used_next_time(store, tmp_path, monkeypatch) -> None:
    from xmppsocial.config import load_config

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app, _ = make_app(store, mark_read="enter")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        app.theme = "nord"  # what the palette's theme picker does
        await pilot.pause()
    assert load_config().preferences.theme == "nord"
    app, _ = make_app(store, theme="nord")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        assert app.theme == "nord"


async def test_an_unknown_theme_is_refused_with_the_nearest_name(store) -> None:
    app, _ = make_app(store, theme="nordd")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        assert any("no theme called 'nordd'; did you mean nord?" in str(n.message)
                   for n in app._notifications)


async def test_keys_from_the_config_file_rebind_the_actions(store) -> None:
    app, _ = make_app(store, mark_read="enter", keys={"next": "x", "next_unread": "j"})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("x")
        assert app.feed.current.title == "Post number 28"
        await pilot.press("j")  # now next unread
        await pilot.pause()
        assert app.feed.current.title == "Post number 26" and not unread(store, "Post number 28")
        await pilot.press("question_mark")
        await pilot.pause()
        assert "x             next post" in str(app.screen.query_one(Static).render())


def screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_the_key_table_and_the_bindings_are_one() -> None:
    """Every [keys] name is bound somewhere, every binding has a name, every app key a
    command: what help, the palette and config.toml say is what the keys do."""
    from xmppsocial.keys import BY_NAME, KEYS
    from xmppsocial.ui.commands import COMMANDS
    from xmppsocial.ui.screens.blog import BlogScreen
    from xmppsocial.ui.screens.compose import ComposeScreen
    from xmppsocial.ui.widgets.thread_view import ThreadView

    bound = {b.id for cls in (XmppSocialApp, TimelineView, ThreadView, BlogScreen, ComposeScreen)
             for b in cls.BINDINGS}
    assert bound == set(BY_NAME)
    assert {s.name for s in KEYS if s.where == "app"} - {"quit"} == set(COMMANDS)
