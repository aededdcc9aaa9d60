"""Which items make a page, newest first by ``published``, whatever order the server uses.

Servers hand out a node's items in their own order: Prosody by last modification (an
edited old post comes first), ejabberd by creation. Readers want the newest
``published`` first. So items are fetched in the server's order until what was fetched
decides the page: when the N-th newest ``published`` among the fetched items is not
older than the ``updated`` of the last item fetched in the server's order, no item still
unfetched can be newer.

Why: an unfetched item X comes after the last fetched item L in the server's order, so
X was created, and last modified, before L was last modified. X's ``published`` is no
later than its creation, and L's ``updated`` is L's last modification, so
X.published <= L.updated. On Prosody L is the fetched item with the oldest ``updated``.
This holds for both orders as long as entries carry honest dates (``published`` set
when first sent, ``updated`` at each publish). Entries that copy old dates (Libervia's
repeats keep the original's) only mislead the rule when one of them is the last fetched:
the page then misses a newer post, which comes on the next page instead. Nothing is
lost or shown twice either way: every page holds only items never delivered before.
A tie to the second with the page's oldest item may go either way.

Pure: items are (id, published, updated) triples here; reading.py fetches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

# Sorted last: items whose dates cannot be read (they are still delivered, so that the
# reader can say why it rejects them).
UNDATED = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Stamped:
    """One fetched item as paging sees it. ``updated`` is None when the item has no date."""

    item_id: str
    published: datetime
    updated: datetime | None

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.published, self.item_id)


@dataclass(frozen=True, slots=True)
class Decision:
    """A settled page: ``page`` newest first, ``rest`` the fetched items below it (the
    next page's first candidates)."""

    page: tuple[Stamped, ...]
    rest: tuple[Stamped, ...]


def settle(fetched: Sequence[Stamped], count: int, *, bound: datetime | None,
           exhausted: bool = False) -> Decision | None:
    """The page of the ``count`` newest of ``fetched``, if that decides it; None when more
    must be fetched first.

    ``fetched`` are items never delivered yet, from a prefix of the server's order (any
    order inside it); ``bound`` is the ``updated`` of the last item fetched in the
    server's order (None: unknown); ``exhausted`` says nothing is left to fetch.
    """
    candidates = sorted(fetched, key=lambda s: s.key, reverse=True)
    page, rest = tuple(candidates[:count]), tuple(candidates[count:])
    if exhausted:
        return Decision(page, rest)
    if len(page) < count or bound is None or page[-1].published < bound:
        return None
    return Decision(page, rest)
