"""Which way a node's id listing runs, judged from where the oldest delivered item sits."""

from __future__ import annotations

from xmppsocial.xmpp.reading import Cursor, _newest_first

IDS = [f"p-{n:02d}" for n in range(50)]  # oldest first, as Prosody and ejabberd list


def test_oldest_first_listing_is_recognised() -> None:
    # The newest 20 delivered: the oldest of them is the 20th from the end.
    assert not _newest_first(IDS, Cursor("ids", "p-30", 20))


def test_newest_first_listing_is_recognised() -> None:
    assert _newest_first(list(reversed(IDS)), Cursor("ids", "p-30", 20))


def test_posts_published_since_do_not_flip_the_order() -> None:
    grown = [*IDS, "p-50", "p-51", "p-52"]
    assert not _newest_first(grown, Cursor("ids", "p-30", 20))
    assert _newest_first(list(reversed(grown)), Cursor("ids", "p-30", 20))


def test_undecidable_or_vanished_cursor_falls_back_to_oldest_first() -> None:
    # 39 items, 20 delivered: the 20th sits in the middle either way.
    middle = IDS[:39]
    assert not _newest_first(middle, Cursor("ids", "p-19", 20))
    assert not _newest_first(IDS, Cursor("ids", "gone", 20))
