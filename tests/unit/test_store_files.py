"""The cache file itself: migrations, refusals that leave files alone, modes, crashes."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.unit.store_factory import make_post
from xmppsocial.model import NodeRef
from xmppsocial.store import SchemaTooNewError, Scope, Store, StoreError
from xmppsocial.store.schema import MIGRATIONS, VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("start", range(1, VERSION))
def test_every_earlier_schema_migrates_and_keeps_its_posts(tmp_path, start: int) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:start]:
        db.executescript(script)
    db.execute(f"PRAGMA user_version = {start}")
    # a post as that version stored it
    from xmppsocial.store.rows import COLUMNS, post_values
    post = make_post("bob@example.org", "old-post-01", title="From before", text="kept words")
    db.execute(f"INSERT INTO posts ({', '.join(COLUMNS)}) VALUES "
               f"({', '.join('?' for _ in COLUMNS)})", post_values(post))
    db.execute("INSERT INTO feeds (service, node, followed) VALUES (?, ?, 1)",
               ("bob@example.org", post.node))
    db.commit()
    db.close()

    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert [e.title for e in store.timeline().newest(5)] == ["From before"]
    assert store.timeline(Scope.search("kept")).count() == 1  # indexed by the migration
    store.save_draft("new", body="drafts work after migrating")
    store.close()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE something_new (x)")
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.commit()
    db.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError, match="newer xmppsocial"):
        Store(path)
    assert digest(path) == before


def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = digest(path)
    with pytest.raises(StoreError, match="left untouched"):
        Store(path)
    assert digest(path) == before


def test_files_are_private(tmp_path) -> None:
    path = tmp_path / "data" / "xmppsocial" / "cache.sqlite3"
    store = Store(path)
    store.upsert_posts([make_post()])
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            assert stat.S_IMODE(candidate.stat().st_mode) == 0o600, candidate
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.close()


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.unit.store_factory import make_post
    from xmppsocial.store import Store
    store = Store({path!r})
    n = 0
    print("ready", flush=True)
    while True:
        store.upsert_posts([make_post("bob@example.org", f"crash-{{n + i:07d}}",
                                      text="x" * 2000) for i in range(50)])
        n += 50
""")


def test_killed_in_the_middle_of_writing_loses_only_the_open_batch(tmp_path) -> None:
    path = tmp_path / "killed.sqlite3"
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, path=str(path))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.8)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(path)
    count = store.posts_count()
    assert count > 0 and count % 50 == 0  # whole batches only
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.upsert_posts([make_post("bob@example.org", "after-crash-1")])
    assert store.posts_count() == count + 1
    store.set_feed(NodeRef("bob@example.org"), followed=True)
    assert store.timeline().count() == count + 1
    store.close()
