"""Reading back through a blog: the catch-up after connecting and the pages a mark asks for.

Both run over blogs held in memory behind the service's paging interface, and their
results go through the same applier as every service event.
"""

from __future__ import annotations

import pytest

from tests.unit.fake_blogs import FakeBlogs
from tests.unit.store_factory import make_post
from xmppsocial.applying import EventApplier
from xmppsocial.model import NodeRef
from xmppsocial.reading import paging
from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import MarkRow, PostRow
from xmppsocial.store import Scope, Store
from xmppsocial.xmpp.catchup import catch_up

ME, ALICE = "me@example.org", "alice@example.org"
NODE = NodeRef(ALICE)


def alice(n: int):
    return make_post(ALICE, f"a-{n:04d}", minutes=n, title=f"Alice {n}")


@pytest.fixture
def store():
    s = Store(":memory:")
    s.set_feed(NODE, followed=True)
    yield s
    s.close()


def shown(store: Store) -> list[str]:
    reader = Reader(store, Scope.blog(NODE))
    return [r.title if isinstance(r, PostRow) else r.kind
            for r in (reader.row(i) for i in range(len(reader)))]


async def test_catch_up_reads_back_to_what_the_cache_held(store) -> None:
    server = FakeBlogs()
    server.add(*(alice(n) for n in range(5)))
    apply = EventApplier(store, lambda: ME).apply
    event = await catch_up(server, store.history, NODE, page=20)
    assert event.kind == "first"
    apply([event])
    server.add(*(alice(n) for n in range(100, 130)))  # 30 posts while we were away
    event = await catch_up(server, store.history, NODE, page=20)
    assert (event.kind, event.joined, len(server.fetches)) == ("top", True, 3)
    apply([event])
    assert shown(store) == [f"Alice {n}" for n in [*range(129, 99, -1), *range(4, -1, -1)]] \
        + ["end"]


async def test_catch_up_stops_at_its_bound_and_leaves_a_hole_that_fills(store) -> None:
    server = FakeBlogs()
    server.add(*(alice(n) for n in range(10)))
    apply = EventApplier(store, lambda: ME).apply
    apply([await catch_up(server, store.history, NODE, page=5)])
    server.add(*(alice(n) for n in range(100, 117)))
    event = await catch_up(server, store.history, NODE, page=5, pages=2)
    assert (event.kind, event.joined, len(event.posts)) == ("top", False, 10)
    apply([event])
    rows = shown(store)
    assert rows[9:12] == ["Alice 107", "hole", "Alice 9"]
    # The reader reaches the hole: two pages fill it, and it is gone.
    for _ in range(3):
        reader = Reader(store, Scope.blog(NODE))
        hole = next((r for r in reader.window.loaded() if isinstance(r[1], MarkRow)
                     and r[1].kind == "hole"), None)
        if hole is None:
            break
        apply([await paging.load(server, store, hole[1], page=5)])
    rows = shown(store)
    assert "hole" not in rows
    assert rows[:-1] == [f"Alice {n}" for n in [*range(116, 99, -1), *range(9, 4, -1)]]


async def test_the_frontier_pages_back_to_the_end_without_duplicates(store) -> None:
    server = FakeBlogs()
    server.add(*(alice(n) for n in range(80)))
    apply = EventApplier(store, lambda: ME).apply
    apply([await catch_up(server, store.history, NODE, page=20)])
    for _ in range(10):
        reader = Reader(store, Scope.blog(NODE))
        last = reader.row(len(reader) - 1)
        if last.kind == "end":
            break
        apply([await paging.load(server, store, last, page=20)])
    assert shown(store) == [f"Alice {n}" for n in range(79, -1, -1)] + ["end"]


async def test_a_blog_never_read_with_a_cursor_is_walked_from_the_top(store) -> None:
    server = FakeBlogs()
    server.add(*(alice(n) for n in range(60)))
    store.upsert_posts([alice(n) for n in range(40, 60)])  # cached by an older release
    reader = Reader(store, Scope.blog(NODE))
    mark = reader.row(len(reader) - 1)
    assert mark.kind == "more" and store.history.feed(NODE).cursor is None
    event = await paging.load(server, store, mark, page=20)
    # The newest page reaches the oldest post held: from there on a cursor is known.
    assert event.kind == "older" and [f[0] for f in server.fetches] == ["latest"]
    apply = EventApplier(store, lambda: ME).apply
    apply([event])
    assert store.history.feed(NODE).cursor is not None
    reader = Reader(store, Scope.blog(NODE))
    apply([await paging.load(server, store, reader.row(len(reader) - 1), page=20)])
    assert [f[0] for f in server.fetches] == ["latest", "older"]
    assert shown(store) == [f"Alice {n}" for n in range(59, 19, -1)] + ["more"]


async def test_an_empty_blog_gets_its_first_page(store) -> None:
    server = FakeBlogs()
    reader = Reader(store, Scope.blog(NODE))
    (mark,) = [reader.row(i) for i in range(len(reader))]
    event = await paging.load(server, store, mark)
    assert (event.kind, event.cursor) == ("first", None)
    EventApplier(store, lambda: ME).apply([event])
    assert shown(store) == ["end"]
