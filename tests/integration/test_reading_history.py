"""The TUI as a complete reader, against both servers: a blog's whole history on demand, the
catch-up after an absence, holes that fill, retractions and posts made elsewhere, live."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_cli import Cli
from tests.integration.test_service import a_post, online
from tests.integration.test_tui_end_to_end import post_rows, wait_until
from xmppsocial.config import Account, Preferences
from xmppsocial.model import NodeRef
from xmppsocial.reading.rows import MarkRow
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration
T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


async def publish_many(service, first: int, count: int, prefix: str = "p") -> list[str]:
    """``count`` posts a minute apart, oldest first; returns their titles newest first."""
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> None:
        async with gate:
            await service.publish_post(a_post(service.jid, f"{prefix}-{n:04d}", f"Post {n}",
                                              f"body {n}", T0 + timedelta(minutes=n)),
                                       access="open")

    await service.publish_post(a_post(service.jid, f"{prefix}-{first:04d}", f"Post {first}",
                                      f"body {first}", T0 + timedelta(minutes=first)),
                               access="open")  # the first creates the blog
    await asyncio.gather(*(one(n) for n in range(first + 1, first + count)))
    return [f"Post {n}" for n in range(first + count - 1, first - 1, -1)]


def bob_app(server, settings, store: Store, *, page: int = 20, pages: int = 5):
    account = Account(settings.jid, host=server.host, port=server.port, ca_file=server.cafile)
    app = build_app(store, account, settings.password, preferences=Preferences(mark_read="enter"))
    make = app.service_factory

    def factory(sink):  # the catch-up's page size and bound, small enough to test a hole
        service = make(sink)
        service.resync_count, service.catch_up_pages = page, pages
        return service

    app.service_factory = factory
    return app


def marks(app) -> list[MarkRow]:
    rows = (app.feed.rows.row(i) for i in range(len(app.feed.rows)))
    return [row for row in rows if isinstance(row, MarkRow)]


def titles(app) -> list[str]:
    return [row.title for row in post_rows(app)]


async def settled(app, pilot) -> None:
    """Online, the catch-up applied, and no page on its way."""
    await wait_until(lambda: app.status.state.value == "online", pilot, 20)
    await wait_until(lambda: post_rows(app) and not app.history.loading, pilot, 20)
    await pilot.pause(0.3)
    await wait_until(lambda: not app.history.loading, pilot, 20)


async def test_g_repeatedly_reaches_the_first_of_80_posts_in_order(xmpp_server, new_account,
                                                                 tmp_path) -> None:
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    try:
        expected = await publish_many(alice, 0, 80)
        store = Store(tmp_path / "bob.sqlite3")
        store.set_feed(NodeRef(alice.jid), followed=True)
        app = bob_app(xmpp_server, bob_settings, store)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(app, pilot)
            assert len(post_rows(app)) == 20  # the catch-up read her newest page
            for _ in range(10):
                if marks(app) and marks(app)[-1].kind == "end":
                    break
                await pilot.press("G")
                await pilot.pause(0.2)
                await wait_until(lambda: not app.history.loading, pilot, 20)
            assert titles(app) == expected  # every post once, newest first
            (end,) = marks(app)
            assert end.kind == "end" and app.feed.rows.row(len(app.feed.rows) - 1) == end
            await pilot.press("G")
            assert app.feed.current.label() == f"end of {end.blog}"
            assert app.feed.rows.row(app.feed.cursor - 1).title == "Post 0"
        store.close()
    finally:
        await alice.stop()


async def test_thirty_posts_made_while_bob_was_away_all_reach_him(xmpp_server, new_account,
                                                                 tmp_path) -> None:
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    try:
        before = await publish_many(alice, 0, 5)
        store = Store(tmp_path / "bob.sqlite3")
        store.set_feed(NodeRef(alice.jid), followed=True)
        app = bob_app(xmpp_server, bob_settings, store)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(app, pilot)
            assert titles(app) == before
        away = await publish_many(alice, 100, 30)  # bob is not running
        app = bob_app(xmpp_server, bob_settings, store)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(app, pilot)
            await wait_until(lambda: len(post_rows(app)) == 35, pilot, 20)
            assert titles(app) == away + before
            assert [m.kind for m in marks(app)] == ["end"]  # no gap left
            # the reader's place is kept: the posts came in above, the bar says so
            assert app.feed.current.title == "Post 4"
            bar = str(app.main_panes.query_one(".new-posts").render())
            assert "30 new posts" in bar
        store.close()
    finally:
        await alice.stop()


async def test_a_long_absence_leaves_a_hole_row_that_fills(xmpp_server, new_account,
                                                          tmp_path) -> None:
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    try:
        before = await publish_many(alice, 0, 10)
        store = Store(tmp_path / "bob.sqlite3")
        store.set_feed(NodeRef(alice.jid), followed=True)
        app = bob_app(xmpp_server, bob_settings, store, page=10)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(app, pilot)
        away = await publish_many(alice, 100, 25)
        # the catch-up reads at most 2 pages of 10: five posts stay behind a hole
        app = bob_app(xmpp_server, bob_settings, store, page=10, pages=2)
        # a short pane: the reader's place is below the hole, out of view
        async with app.run_test(size=(120, 24)) as pilot:
            await settled(app, pilot)
            await wait_until(lambda: any(m.kind == "hole" for m in marks(app)), pilot, 20)
            assert titles(app) == away[:20] + before
            hole = next(m for m in marks(app) if m.kind == "hole")
            assert hole.label().startswith("older posts of ")
            assert app.feed.rows.row(20) == hole  # between what was read and what was held
            await pilot.press("k")  # the reader reaches it: it loads
            await wait_until(lambda: not any(m.kind == "hole" for m in marks(app)), pilot, 20)
            await wait_until(lambda: not app.history.loading, pilot, 20)
            assert titles(app) == away + before
        store.close()
    finally:
        await alice.stop()


async def test_a_live_retraction_leaves_no_text_on_screen(prosody, tmp_path) -> None:
    from tests.conftest import account_factory

    new_account = account_factory(prosody)
    alice, _ = await online(await new_account("alice"))
    bob_settings = await new_account("bob")
    try:
        await publish_many(alice, 0, 3)
        store = Store(tmp_path / "bob.sqlite3")
        store.set_feed(NodeRef(alice.jid), followed=True)
        app = bob_app(prosody, bob_settings, store)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(app, pilot)
            await app.service.follow(NodeRef(alice.jid))
            await alice.publish_post(a_post(alice.jid, "oops-000001", "Regrettable words",
                                            "Something I should not have said",
                                            T0 + timedelta(minutes=50)))
            await wait_until(lambda: "Regrettable words" in titles(app), pilot)
            await pilot.press("g")
            await wait_until(lambda: "Something I should not" in screen(app), pilot)
            await alice.retract(a_post(alice.jid, "oops-000001", "", "").ref)
            await wait_until(lambda: "Regrettable" not in screen(app), pilot)
            assert "should not have said" not in screen(app)
            assert "deleted" in screen(app)
        row = store.db.execute("SELECT title, text, raw FROM posts WHERE item_id = "
                               "'oops-000001'").fetchone()
        assert tuple(row) == ("", "", "")
        store.close()
    finally:
        await alice.stop()


def screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_post_made_from_the_command_line_appears_in_the_running_app(
        xmpp_server, new_account, tmp_path) -> None:
    bob_settings = await new_account("bob")
    bob_cli = Cli(bob_settings, tmp_path / "cli")
    code, _, err = await bob_cli("post", "My blog starts", "--access", "open")
    assert code == 0, err
    store = Store(tmp_path / "bob.sqlite3")
    app = bob_app(xmpp_server, bob_settings, store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(app, pilot)
        assert titles(app) == ["My blog starts"]
        code, _, err = await bob_cli("post", "Written in a shell", "--title", "From the CLI")
        assert code == 0, err
        await wait_until(lambda: "From the CLI" in titles(app), pilot, 15)
        assert app.status.unread == 0  # my own posts are never unread
    store.close()
