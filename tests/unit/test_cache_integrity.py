"""A cache that is never damaged further: checked before any write, left untouched when
unusable, damage found later caught in one place, and one writer per account."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.unit.store_factory import make_post
from xmppsocial.model import NodeRef
from xmppsocial.store import CacheDamaged, SchemaTooNewError, Store, StoreError
from xmppsocial.store.opening import open_checked
from xmppsocial.store.schema import VERSION

BOB = "bob@example.org"
PAGE = 4096


def listing(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def filled_cache(path: Path, posts: int = 1500) -> None:
    store = Store(path)
    store.set_feed(NodeRef(BOB), followed=True)
    store.save_draft("new", body="a half-written post")
    store.enqueue("publish", NodeRef(BOB), "queued-000001", "<entry/>")
    for start in range(0, posts, 500):
        store.upsert_posts([make_post(BOB, f"post-{n:06d}", minutes=n, text="words " * 80)
                            for n in range(start, min(start + 500, posts))])
    store.close()


def posts_pages(path: Path) -> list[int]:
    """The pages holding the posts table's rows (SQLite's dbstat), in file order."""
    look = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in look.execute(
            "SELECT pageno FROM dbstat WHERE name = 'posts' AND pagetype = 'leaf' "
            "ORDER BY pageno")]
    finally:
        look.close()


def damage(path: Path, where: str) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    if where == "header":
        data[0:16] = b"not a database!!"
    elif where == "middle page":
        # A page in the middle of the posts table itself, wherever the schema put it.
        page = posts_pages(path)[len(posts_pages(path)) // 2]
        start = (page - 1) * PAGE
        data[start:start + PAGE] = b"\xa5" * PAGE
    elif where == "inside a row":
        # The b-tree stays whole: only the cross-check against the indexes shows it.
        start = (pages // 3) * PAGE + 1500
        data[start:start + 1200] = bytes(range(256)) * 4 + bytes(176)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["header", "middle page", "inside a row"])
def test_a_damaged_cache_is_refused_and_left_byte_identical(tmp_path, where: str) -> None:
    """The defect: only the header was checked, and damage in the middle let the CLI
    write into the file; a 0-byte -wal appeared beside a file to be left alone."""
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    damage(path, where)
    before = listing(tmp_path)
    with pytest.raises(CacheDamaged) as caught:
        open_checked(path, who=BOB, role="cli")
    message = str(caught.value)
    assert str(path) in message and "left untouched" in message and "move it aside" in message
    assert "\n" not in message
    assert listing(tmp_path) == before  # same bytes, and nothing new beside it (no lock)


def test_whatever_the_damage_the_message_is_one_line(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    base = path.read_bytes()
    pages = len(base) // PAGE
    refused = 0
    for page in range(1, pages, max(1, pages // 40)):
        data = bytearray(base)
        data[page * PAGE:(page + 1) * PAGE] = b"\x42" * PAGE
        path.write_bytes(bytes(data))
        try:
            Store(path).close()
        except StoreError as exc:
            refused += 1
            assert "\n" not in str(exc) and "***" not in str(exc), str(exc)
    assert refused >= 10


def test_a_newer_cache_is_refused_and_left_byte_identical(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, posts=10)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 3}")
    db.commit()
    db.close()
    before = listing(tmp_path)
    with pytest.raises(SchemaTooNewError, match="use the newer xmppsocial, or move it aside"):
        open_checked(path, who=BOB, role="tui")
    assert listing(tmp_path) == before


def test_a_healthy_cache_passes_the_check_and_keeps_everything(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, posts=600)
    store = open_checked(path, who=BOB, role="cli")
    assert store.writer and store.posts_count() == 600
    assert store.draft("new").body == "a half-written post"
    store.close()


def test_damage_found_while_running_is_caught_once_and_the_store_goes_on(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    told: list[str] = []
    store = Store(path, on_damage=told.append)  # passes: nothing is damaged yet
    damage(path, "middle page")  # the disk fails under the running app
    entries = store.timeline().newest(2000)
    assert len(told) == 1 and str(path) in told[0] and "from the network" in told[0]
    assert store.damage == told[0]
    assert entries == [] or len(entries) < 1500
    after = listing(tmp_path)
    # It runs on in memory: what is followed, drafts and the outbox were kept.
    assert store.followed_nodes() == [NodeRef(BOB)]
    assert store.draft("new").body == "a half-written post"
    assert [i.item_id for i in store.pending()] == ["queued-000001"]
    result = store.upsert_posts([make_post(BOB, "arrived-later")])
    assert result.new and store.get_post(make_post(BOB, "arrived-later").ref) is not None
    with store.transaction():
        store.save_draft("new", body="still saved, in memory")
    assert len(told) == 1
    store.close()
    assert listing(tmp_path) == after  # the damaged file is not written any more


def test_damage_inside_a_transaction_lands_the_rest_in_memory(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    told: list[str] = []
    store = Store(path, on_damage=told.append)
    damage(path, "middle page")
    with store.transaction():
        store.timeline().newest(2000)  # the damage shows up here
        store.save_draft("later", body="written in the same transaction")
    assert told and store.draft("later").body == "written in the same transaction"
    store.close()


# ---------------------------------------------------------------------------- one writer
def test_a_second_instance_gets_a_read_only_copy_and_says_who_writes(tmp_path) -> None:
    """The defect: two instances of one account silently overwrote each other's draft."""
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, posts=5)
    first = open_checked(path, who=BOB, role="tui")
    second = open_checked(path, who=BOB, role="cli")
    assert first.writer and not second.writer
    assert f"{BOB} is open in another xmppsocial, the TUI (pid {os.getpid()}" \
        in second.read_only_reason
    assert second.posts_count() == 5 and second.draft("new").body == "a half-written post"
    second.save_draft("new", body="typed in the second window")
    assert first.draft("new").body == "a half-written post"  # never overwritten
    with pytest.raises(StoreError, match="nothing can be queued"):
        second.enqueue("publish", NodeRef(BOB), "from-second", "<entry/>")
    second.close()
    first.close()
    third = open_checked(path, who=BOB, role="cli")
    assert third.writer
    third.close()


HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from xmppsocial.store.opening import open_checked
    store = open_checked(__import__("pathlib").Path({path!r}), who="bob", role="tui")
    print("writer" if store.writer else "reader", flush=True)
    time.sleep(60)
""")


def test_the_lock_of_a_killed_instance_is_free_again(tmp_path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, posts=1)
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=root, path=str(path))],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writer"
        held = open_checked(path, who="bob", role="cli")
        assert not held.writer and f"pid {proc.pid}" in held.read_only_reason
        held.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    free = open_checked(path, who="bob", role="cli")
    assert free.writer
    free.close()
