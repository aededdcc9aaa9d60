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
from pathlib import Path

import pytest

from tests.unit.store_factory import make_post
from xmppsocial.model import NodeRef
from xmppsocial.store import SchemaTooNewError, Scope, Store, StoreError
from xmppsocial.store.rows import COLUMNS, post_values
from xmppsocial.store.schema import MIGRATIONS, VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_of(db: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(row[0], " ".join(row[1].split())) for row in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}


def old_database(path: Path, version: int) -> None:
    """A cache as release ``version`` left it, with a post, a feed, and what else it had."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        db.executescript(script)
    db.execute(f"PRAGMA user_version = {version}")
    post = make_post("bob@example.org", "old-post-01", title="From before", text="kept words",
                     raw="<entry>kept</entry>")
    db.execute(f"INSERT INTO posts ({', '.join(COLUMNS)}) VALUES "
               f"({', '.join('?' for _ in COLUMNS)})", post_values(post))
    db.execute("UPDATE posts SET is_read = 1")
    db.execute("INSERT INTO feeds (service, node, followed, cursor) VALUES (?, ?, 1, 'c1')",
               ("bob@example.org", post.node))
    if version >= 2:
        db.execute("INSERT INTO drafts (key, body, saved) VALUES ('new', 'half a thought', 1)")
        db.execute("INSERT INTO outbox (kind, service, node, item_id, payload, created) VALUES "
                   "('publish', 'alice@example.org', 'n', 'queued', '<entry/>', 1)")
    db.commit()
    db.close()


@pytest.mark.parametrize("start", range(1, VERSION))
def test_every_earlier_schema_migrates_and_keeps_its_data(tmp_path, start: int) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, start)
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    fresh = Store(tmp_path / "fresh.sqlite3")
    assert schema_of(store.db) == schema_of(fresh.db)  # as if created by this release
    fresh.close()
    (entry,) = store.timeline().newest(5)
    assert (entry.title, entry.unread) == ("From before", False)
    assert store.feed(NodeRef("bob@example.org")).cursor == "c1"
    assert store.timeline(Scope.search("kept")).count() == 1  # indexed by the migration
    if start >= 2:
        assert store.draft("new").body == "half a thought"
        assert [item.item_id for item in store.pending()] == ["queued"]
    store.save_draft("later", body="drafts work after migrating")
    store.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch) -> None:
    from xmppsocial.store import database

    path = tmp_path / "old.sqlite3"
    old_database(path, VERSION)
    broken = [*MIGRATIONS, "CREATE TABLE half_done (x);\nTHIS IS NOT SQL;"]
    monkeypatch.setattr(database, "MIGRATIONS", broken)
    monkeypatch.setattr(database, "VERSION", len(broken))
    with pytest.raises(StoreError, match="damaged database"):
        Store(path)
    monkeypatch.undo()
    store = Store(path)  # still readable by this release, untouched by the failed step
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert not store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchall()
    assert store.posts_count() == 1
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


def test_a_newer_schema_with_a_pending_wal_is_left_untouched(tmp_path) -> None:
    # What a newer release leaves when it is killed: committed pages still in the WAL.
    source = tmp_path / "newer.sqlite3"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE posts_v9 (x)")
    writer.execute(f"PRAGMA user_version = {VERSION + 5}")
    writer.commit()
    copy = tmp_path / "copy.sqlite3"
    for suffix in ("", "-wal"):
        Path(f"{copy}{suffix}").write_bytes(Path(f"{source}{suffix}").read_bytes())
    writer.close()
    before = {p.name: digest(p) for p in tmp_path.glob("copy.sqlite3*")}
    assert set(before) == {"copy.sqlite3", "copy.sqlite3-wal"}
    with pytest.raises(SchemaTooNewError, match=f"schema {VERSION + 5}"):
        Store(copy)
    assert {p.name: digest(p) for p in tmp_path.glob("copy.sqlite3*")} == before


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path, content: bytes) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(StoreError, match=str(path)):
        Store(path)
    assert digest(path) == before


def test_a_directory_is_refused(tmp_path) -> None:
    with pytest.raises(StoreError, match="cannot be opened"):
        Store(tmp_path)


def test_files_are_private(tmp_path) -> None:
    path = tmp_path / "data" / "xmppsocial" / "cache.sqlite3"
    store = Store(path)
    store.upsert_posts([make_post()])
    assert Path(f"{path}-wal").exists()
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert stat.S_IMODE(candidate.stat().st_mode) == 0o600, candidate
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    store.close()


def test_a_cache_readable_by_others_is_made_private(tmp_path) -> None:
    path = tmp_path / "copied.sqlite3"
    Store(path).close()
    path.chmod(0o644)
    Store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_data_directory_is_made_private(tmp_path, monkeypatch) -> None:
    from xmppsocial import paths

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    paths.data_dir().mkdir(mode=0o755)
    paths.data_dir().chmod(0o755)
    Store(paths.database_file()).close()
    assert stat.S_IMODE(paths.data_dir().stat().st_mode) == 0o700


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.unit.store_factory import make_post
    from xmppsocial.store import Store
    store = Store({path!r})
    n = 0
    while True:
        store.upsert_posts([make_post("bob@example.org", f"crash-{{n + i:07d}}",
                                      text="x" * 2000) for i in range(50)])
        n += 50
        store.save_draft("new", body=f"draft after {{n}} posts")
        print(n, flush=True)
""")


def test_killed_in_the_middle_of_writing_loses_only_the_open_batch(tmp_path) -> None:
    path = tmp_path / "killed.sqlite3"
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, path=str(path))],
                            stdout=subprocess.PIPE, text=True)
    committed = 0
    while committed < 1000:  # some batches committed, and the writer in full swing
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    store = Store(path)
    count = store.posts_count()
    assert count >= committed and count % 50 == 0  # every committed batch, whole batches only
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.db.execute("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')")
    assert store.draft("new").body in (f"draft after {count} posts",
                                       f"draft after {count - 50} posts")
    store.upsert_posts([make_post("bob@example.org", "after-crash-1")])
    assert store.posts_count() == count + 1
    store.set_feed(NodeRef("bob@example.org"), followed=True)
    assert store.timeline().count() == count + 1
    assert store.timeline(Scope.search("x" * 2000)).count() == count
    store.close()
