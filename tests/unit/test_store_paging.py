"""Keyset paging: every post exactly once, in order, whatever the ties; plans use indexes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.store_factory import make_post
from xmppsocial.model import NodeRef
from xmppsocial.store import Scope, Store, Timeline
from xmppsocial.store import timeline as timeline_module

BOB, CAROL = "bob@example.org", "carol@example.org"


@settings(max_examples=40, deadline=None)
@given(minutes=st.lists(st.integers(0, 5), min_size=0, max_size=40),
       page=st.integers(1, 7), read=st.sets(st.integers(0, 39)))
def test_pages_cover_every_post_once_in_order(minutes: list[int], page: int,
                                              read: set[int]) -> None:
    store = Store(":memory:")
    store.set_feed(NodeRef(BOB), followed=True)
    posts = [make_post(BOB if n % 3 else CAROL, f"p-{n:06d}", minutes=m, tags=("t",),
                       text="common words")
             for n, m in enumerate(minutes)]
    store.upsert_posts(posts)
    store.mark_read([posts[n].ref for n in read if n < len(posts)])
    for scope in (Scope.blog(NodeRef(BOB)), Scope(), Scope("unread")):
        check_paging(store.timeline(scope), page)
    for common in (0, 1000):  # tags and searches: walk a time index, or sort the matches
        timeline_module.COMMON_WORDS = common
        try:
            for scope in (Scope.tagged("t"), Scope.search("common")):
                check_paging(store.timeline(scope), page)
        finally:
            timeline_module.COMMON_WORDS = 1000
    store.close()


def check_paging(timeline: Timeline, page: int) -> None:
    """Down and up by keyset, positions and next-unread all agree, with ties in time."""
    down, batch = [], timeline.newest(page)
    while batch:
        down += batch
        batch = timeline.older_than(batch[-1].sort_key, page)
    keys = [e.sort_key for e in down]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    assert len(down) == timeline.count()
    up, batch = [], timeline.oldest(page)
    while batch:
        up = batch + up
        batch = timeline.newer_than(batch[0].sort_key, page)
    assert [e.key for e in up] == [e.key for e in down]
    for index, entry in enumerate(down):
        assert timeline.position(entry.sort_key) == index
    unread = [e.key for e in down if e.unread]
    walked, entry = [], timeline.next_unread()
    while entry is not None and entry.key not in walked:
        walked.append(entry.key)
        entry = timeline.next_unread(entry.sort_key)
    assert walked == unread


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("plans") / "cache.sqlite3")
    store.set_feed(NodeRef(BOB), followed=True)
    store.upsert_posts(make_post(BOB, f"p-{n:06d}", minutes=n, tags=("t",)) for n in range(300))
    store.db.execute("ANALYZE")
    return store


@pytest.mark.parametrize("scope, index", [
    (Scope(), "posts_by_time"), (Scope("unread"), "posts_unread"),
    (Scope.blog(NodeRef(BOB)), "posts_visible_by_node"), (Scope.tagged("t"), "posts_by_time"),
], ids=lambda v: getattr(v, "kind", v))
def test_a_page_walks_its_index_in_order_without_sorting(filled: Store, scope: Scope,
                                                         index: str, monkeypatch) -> None:
    from xmppsocial.store import timeline as module

    monkeypatch.setattr(module, "COMMON_WORDS", 10)
    timeline = filled.timeline(scope)
    calls: list[str] = []
    filled.db.set_trace_callback(calls.append)
    try:
        assert len(timeline.older_than((1e12, 0), 50)) == 50
    finally:
        filled.db.set_trace_callback(None)
    (page,) = [sql for sql in calls if sql.lstrip().startswith("WITH page")]
    plan = [row[3] for row in filled.db.execute(f"EXPLAIN QUERY PLAN {page}")]
    inner = plan[:plan.index("SCAN page")]
    assert any(index in step for step in inner), plan
    assert not any("TEMP B-TREE" in step for step in inner), plan


@pytest.mark.parametrize("common", [0, 1000], ids=["walk time index", "sort matches"])
def test_a_search_page_never_reads_whole_posts_to_sort(filled: Store, monkeypatch,
                                                       common: int) -> None:
    from xmppsocial.store import timeline as timeline_module

    monkeypatch.setattr(timeline_module, "COMMON_WORDS", common)
    timeline = filled.timeline(Scope.search("text"))
    calls: list[str] = []
    filled.db.set_trace_callback(calls.append)
    try:
        assert len(timeline.newest(50)) == 50
    finally:
        filled.db.set_trace_callback(None)
    page = [sql for sql in calls if sql.lstrip().startswith("WITH page")]
    # the trace shows the statement with its values bound
    plan = [row[3] for row in filled.db.execute(f"EXPLAIN QUERY PLAN {page[-1]}")]
    narrow = [step for step in plan if "COVERING INDEX posts_live_by" in step]
    assert narrow, plan
