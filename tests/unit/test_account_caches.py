"""One cache per account, and the split of the cache older releases shared between accounts."""

from __future__ import annotations

import stat

import pytest

from tests.unit.store_factory import make_post
from xmppsocial import paths
from xmppsocial.model import NodeRef
from xmppsocial.store import Store, StoreError
from xmppsocial.store.account_files import SPLIT_BACKUP
from xmppsocial.store.opening import open_account_store

BOB, DAVE = "bob@example.org", "dave@example.org"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    return tmp_path


def configure(*jids: str) -> None:
    paths.write_private(paths.config_file(),
                        "".join(f'[[account]]\njid = "{j}"\n' for j in jids))


def shared_cache() -> Store:
    """A cache as the release before per-account caches left it, used by bob and dave."""
    store = Store(paths.database_file(None))
    bob_post, dave_post = make_post(BOB, "bob-post-001"), make_post(DAVE, "dave-post-01")
    store.upsert_posts([bob_post, dave_post, make_post("alice@example.org", "alice-post-1")])
    store.set_feed(NodeRef(BOB), own=True)
    store.set_feed(NodeRef(DAVE), own=True)
    store.set_feed(NodeRef("alice@example.org"), followed=True)
    store.enqueue("publish", NodeRef(BOB), "bob-queued-1", "<entry/>")
    store.enqueue("publish", NodeRef(DAVE), "dave-queued-1", "<entry/>")
    store.save_draft("new", body="a thought")
    store.save_draft("edit:dave-post-01", body="dave's edit")
    return store


def test_each_account_has_its_own_private_file(isolated) -> None:
    bob, dave = open_account_store(BOB), open_account_store(DAVE)
    try:
        assert bob.path != dave.path
        assert bob.path == paths.database_file("Bob@Example.org")  # JIDs compare without case
        bob.upsert_posts([make_post(BOB, "only-bobs-01")])
        bob.save_draft("new", body="bob's words")
        bob.set_followed(NodeRef("alice@example.org"), True)
        assert dave.posts_count() == 0 and dave.draft("new") is None and dave.follows() == {}
        assert stat.S_IMODE(bob.path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(bob.path.stat().st_mode) == 0o600
    finally:
        bob.close()
        dave.close()


def test_a_jid_cannot_name_a_path_outside_its_directory() -> None:
    for jid in ("..", "../x@y", "a/b@c", ".hidden@x"):
        path = paths.database_file(jid)
        assert path.parent.parent == paths.data_dir() / "accounts", jid
        assert not path.parent.name.startswith("."), jid


def test_one_account_takes_the_whole_shared_cache() -> None:
    configure(BOB)
    shared_cache().close()
    store = open_account_store(BOB)
    try:
        assert store.posts_count() == 3
        assert [i.item_id for i in store.pending()] == ["bob-queued-1", "dave-queued-1"]
        assert {d.key for d in store.drafts()} == {"new", "edit:dave-post-01"}
        assert store.follows() == {NodeRef("alice@example.org"): False}
        assert store.unverified_follows() == set()  # one account: its follows, to be written
    finally:
        store.close()
    assert not paths.database_file(None).exists()
    assert (paths.data_dir() / SPLIT_BACKUP).exists()  # kept, never read again


def test_several_accounts_split_the_shared_cache_without_losing_drafts_or_outbox() -> None:
    configure(BOB, DAVE)
    shared_cache().close()
    dave = open_account_store(DAVE)  # whoever opens first, the split is done for all
    bob = open_account_store(BOB)
    try:
        assert [i.item_id for i in bob.pending()] == ["bob-queued-1"]
        assert [i.item_id for i in dave.pending()] == ["dave-queued-1"]
        assert {d.key for d in bob.drafts()} == {"new"}
        assert {d.key for d in dave.drafts()} == {"edit:dave-post-01"}
        assert bob.get_post(make_post(DAVE, "dave-post-01").ref) is None
        assert dave.get_post(make_post(BOB, "bob-post-001").ref) is None
        assert dave.get_post(make_post(DAVE, "dave-post-01").ref) is not None
        assert [f.node for f in dave.feeds() if f.own] == [NodeRef(DAVE)]
        # whose follow it was is unknown: the next connect asks the account
        assert dave.unverified_follows() == bob.unverified_follows() == {
            NodeRef("alice@example.org")}
    finally:
        bob.close()
        dave.close()
    assert not paths.database_file(None).exists()


def test_a_damaged_shared_cache_is_left_untouched() -> None:
    configure(BOB)
    shared = paths.database_file(None)
    paths.make_dirs(shared.parent)
    shared.write_bytes(b"not a database, but my data" * 40)
    before = shared.read_bytes()
    with pytest.raises(StoreError, match="left untouched"):
        open_account_store(BOB)
    assert shared.read_bytes() == before
    assert not paths.database_file(BOB).exists()


def test_without_an_account_the_unassigned_cache_is_used_and_later_adopted() -> None:
    first_run = open_account_store(None)
    first_run.save_draft("new", body="written before any account existed")
    first_run.close()
    configure(BOB)
    store = open_account_store(BOB)
    try:
        assert store.draft("new").body == "written before any account existed"
    finally:
        store.close()
