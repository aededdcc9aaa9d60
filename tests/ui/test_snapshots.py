"""How the main screens look (SVG snapshots; fixed data, fixed clock, no cursor blink).

After a deliberate change: pytest tests/ui/test_snapshots.py --snapshot-update, and read
snapshot_report.html before accepting.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.ui.conftest import ME, NOW, fill
from tests.ui.fake_service import FakeService
from xmppsocial.config import Preferences
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp

SIZE = (110, 34)


@pytest.fixture
def make_app(tmp_path):
    stores = []

    def make(online: bool = True, first_run: bool = False) -> XmppSocialApp:
        store = Store(tmp_path / f"snap{len(stores)}.sqlite3")
        stores.append(store)
        if first_run:
            from xmppsocial.ui.launch import build_app
            return build_app(store, None, None, first_run=True)
        fill(store)
        factory = (lambda sink: FakeService(ME, sink)) if online else None
        return XmppSocialApp(store, service_factory=factory, account=ME, clock=lambda: NOW,
                             preferences=Preferences(mark_read="enter"))

    yield make
    for store in stores:
        store.close()


async def settle(pilot) -> None:
    await pilot.pause(0.2)
    for widget in pilot.app.screen.query("TextArea, Input"):
        if isinstance(widget, TextArea | Input):
            widget.cursor_blink = False
    await pilot.pause()


def test_timeline_with_thread(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle)


def test_offline_status(snap_compare, make_app) -> None:
    assert snap_compare(make_app(online=False), terminal_size=SIZE, run_before=settle)


def test_composer(snap_compare, make_app) -> None:
    async def before(pilot) -> None:
        await pilot.pause(0.2)
        await pilot.press("n")
        await pilot.press(*"A new post with *Markdown*")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=before)


def test_blog_view_with_follow_button(snap_compare, make_app) -> None:
    async def before(pilot) -> None:
        await pilot.pause(0.2)
        await pilot.press("j", "b")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=before)


def test_help_screen(snap_compare, make_app) -> None:
    async def before(pilot) -> None:
        await pilot.pause(0.2)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=before)


def test_first_run_account_screen(snap_compare, make_app) -> None:
    assert snap_compare(make_app(first_run=True), terminal_size=SIZE, run_before=settle)


def test_history_rows_hole_loading_end_and_deleted(snap_compare, tmp_path) -> None:
    """The rows a blog's history adds: a gap left by a catch-up, a page on its way, where a
    blog ends, and a post deleted while in view."""
    from tests.unit.store_factory import make_post
    from xmppsocial.applying import EventApplier
    from xmppsocial.events import HistoryFetched, PostsRetracted
    from xmppsocial.model import NodeRef

    bob, carol = NodeRef("bob@example.org"), NodeRef("carol@example.org")
    store = Store(tmp_path / "history.sqlite3")
    store.set_feed(NodeRef(ME), own=True)
    store.set_feed(bob, followed=True, title="Bob's garden")
    store.set_feed(carol, followed=True)

    def post(who: NodeRef, n: int, minutes: float):
        return make_post(who.service, f"{who.service[0]}-{n:04d}", minutes=minutes,
                         title=f"{who.service.split('@')[0].title()} {n}", text=f"Text {n}")

    apply = EventApplier(store, lambda: ME).apply
    apply([HistoryFetched(NodeRef(ME), (), "first", None),
           HistoryFetched(bob, tuple(post(bob, n, 600 + n) for n in range(4)), "first", None),
           HistoryFetched(bob, tuple(post(bob, n, 700 + n) for n in range(10, 13)), "top",
                          "fake|3"),
           HistoryFetched(carol, tuple(post(carol, n, 650 + n) for n in (5, 6)), "first",
                          "fake|2")])
    app = XmppSocialApp(store, account=ME, clock=lambda: NOW,
                        preferences=Preferences(mark_read="enter"))
    app.history.loading.add(("mark", carol.service, carol.node, "frontier"))

    async def before(pilot) -> None:
        await pilot.pause(0.2)
        app.take([PostsRetracted((post(bob, 11, 711).ref,))])
        await pilot.press("j")  # onto the deleted post: the thread pane says so
        await settle(pilot)

    assert snap_compare(app, terminal_size=(110, 44), run_before=before)
    store.close()
