"""When a post becomes read: after a second in the thread pane, on Enter, when u leaves it,
for a whole view with an undo; own posts never count as unread."""

from __future__ import annotations

import pytest

from tests.unit.store_factory import make_post
from xmppsocial.applying import EventApplier
from xmppsocial.events import PostsReceived
from xmppsocial.model import NodeRef
from xmppsocial.reading.read_marks import DWELL, ReadMarker
from xmppsocial.store import Scope, Store

ME, ALICE = "me@example.org", "alice@example.org"


@pytest.fixture
def store():
    s = Store(":memory:")
    s.set_feed(NodeRef(ME), own=True)
    s.set_feed(NodeRef(ALICE), followed=True)
    s.upsert_posts(make_post(ALICE, f"a-{n:04d}", minutes=n) for n in range(10))
    yield s
    s.close()


def ref(n: int):
    return make_post(ALICE, f"a-{n:04d}").ref


def test_a_post_shown_for_a_second_is_read_and_one_passed_over_is_not(store) -> None:
    marker = ReadMarker(store)
    assert marker.shown(ref(1), now=0.0) == DWELL
    marker.shown(ref(2), now=0.3)            # j: the pane moved on before a second passed
    assert marker.due(1.0) is None            # post 1 was not read; post 2 not long enough
    assert store.is_unread(ref(1)) and store.is_unread(ref(2))
    marker.shown(ref(2), now=0.9)            # shown again (a refresh): the clock keeps running
    assert marker.due(1.3) == ref(2) and not store.is_unread(ref(2))
    assert marker.due(5.0) is None            # once


def test_only_on_enter_keeps_shown_posts_unread(store) -> None:
    marker = ReadMarker(store, mode="enter")
    assert marker.shown(ref(1), now=0.0) is None
    assert marker.due(10.0) is None and store.is_unread(ref(1))
    assert marker.opened(ref(1)) and not store.is_unread(ref(1))
    assert not marker.opened(ref(1))  # already read: nothing changed
    with pytest.raises(ValueError, match="mark_read"):
        ReadMarker(store, mode="sometimes")


def test_u_marks_the_post_it_leaves(store) -> None:
    marker = ReadMarker(store)
    assert marker.left(ref(4)) and not store.is_unread(ref(4))
    assert not marker.left(None)


def test_marking_a_view_read_can_be_undone_once(store) -> None:
    store.mark_read([ref(0)])
    marker = ReadMarker(store)
    undo = marker.mark_view(Scope())
    assert len(undo) == 9 and store.unread_count() == 0
    assert marker.undo() == undo and store.unread_count() == 9
    assert not store.is_unread(ref(0))  # read before: stays read
    assert marker.undo() is None


def test_own_posts_arrive_read(store) -> None:
    mine = make_post(ME, "m-0001", minutes=50)
    by_me_elsewhere = make_post(ALICE, "a-9999", minutes=51, author=ME)
    EventApplier(store, lambda: ME).apply([PostsReceived((mine, by_me_elsewhere), live=True)])
    assert not store.is_unread(mine.ref) and not store.is_unread(by_me_elsewhere.ref)
    assert store.unread_count() == 10
