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
