"""The TUI's start (cli/__init__.py build_tui): a second instance is read-only and says so,
and a cache found damaged while running is reported while the app goes on."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.unit.store_factory import make_post
from tests.unit.test_cache_integrity import damage
from xmppsocial import paths
from xmppsocial.cli import build_tui
from xmppsocial.cli.args import build_parser
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.store.opening import open_account_store

ME, BOB = "me@example.org", "bob@example.org"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("XMPPSOCIAL_PASSWORD", "not-used-here")
    with socket.socket() as s:  # nothing listens there: the app stays offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text(f'[[account]]\njid = "{ME}"\nserver = "127.0.0.1:{port}"\n')
    store = Store(paths.database_file(ME))
    store.set_feed(NodeRef(BOB), followed=True)
    store.upsert_posts([make_post(BOB, f"post-{n:05d}", minutes=n, text="words " * 60)
                        for n in range(1500)])
    store.close()
    return tmp_path


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_a_second_tui_is_read_only_and_says_who_writes(home) -> None:
    first = open_account_store(ME, role="tui")
    try:
        app, store = build_tui(build_parser().parse_args([]))
        assert not store.writer
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            (notice,) = [n for n in notices(app) if n.startswith("Read-only")]
            assert f"{ME} is open in another xmppsocial, the TUI (pid" in notice
            assert "Nothing you do here is saved" in notice
            assert app.feed.rows.post_count() == 1500  # it reads the cache all the same
        store.close()
    finally:
        first.close()
    assert not Path(f"{paths.database_file(ME)}.lock").read_text()  # released


async def test_damage_found_while_the_tui_runs_is_reported_once(home) -> None:
    app, store = build_tui(build_parser().parse_args([]))
    assert store.writer
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            path = paths.database_file(ME)
            damage(path, "middle page")
            store.timeline().newest(2000)  # reads the damaged pages
            await pilot.pause()
            damaged = [n for n in notices(app) if "the cache turned out damaged" in n]
            assert len(damaged) == 1 and str(path) in damaged[0]
            store.save_draft("new", body="still works, in memory")
            assert store.draft("new").body == "still works, in memory"
    finally:
        store.close()
