"""Pages come newest first by ``published``, whatever order the server hands items out in.

The rule (paging.settle) is tested on its own, then the fetching loop of reading.py
against a simulated server: Prosody's order (last modified first, max_items, an id
listing, no RSM) and a creation-order one, with edits, retractions and old dates.
"""

from __future__ import annotations

import asyncio
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xmppsocial.content.entry_writer import format_date
from xmppsocial.xmpp import reading
from xmppsocial.xmpp.iq import NS_DISCO_ITEMS, NS_PUBSUB, ServiceError
from xmppsocial.xmpp.paging import UNDATED, Stamped, settle
from xmppsocial.xmpp.reading import Cursor

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ATOM = "http://www.w3.org/2005/Atom"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def stamped(item: str, published: float, updated: float | None = None) -> Stamped:
    return Stamped(item, at(published), at(published if updated is None else updated))


# ---------------------------------------------------------------------------- the rule
def test_unedited_items_settle_at_once() -> None:
    # Fetched in the server's order: "b" last, so its updated bounds what is left.
    decision = settle([stamped("c", 3), stamped("b", 2)], 2, bound=at(2))
    assert decision is not None and [s.item_id for s in decision.page] == ["c", "b"]


def test_an_edited_old_item_asks_for_more() -> None:
    # Prosody after editing "a": the two last modified are "a" (edited now) and "c".
    assert settle([stamped("a", 1, 10), stamped("c", 3)], 2, bound=at(3)) is None
    decision = settle([stamped("a", 1, 10), stamped("c", 3), stamped("b", 2)], 2, bound=at(2))
    assert [s.item_id for s in decision.page] == ["c", "b"]
    assert [s.item_id for s in decision.rest] == ["a"]


def test_an_exhausted_node_settles_with_what_there_is() -> None:
    decision = settle([stamped("a", 1, 10)], 5, bound=None, exhausted=True)
    assert [s.item_id for s in decision.page] == ["a"] and decision.rest == ()


def test_an_unknown_bound_or_a_short_page_asks_for_more() -> None:
    assert settle([stamped("c", 3), stamped("b", 2)], 2, bound=None) is None
    assert settle([stamped("c", 3)], 2, bound=at(3)) is None


def test_undated_items_sort_last() -> None:
    fetched = [Stamped("x", UNDATED, None), stamped("b", 2)]
    decision = settle(fetched, 2, bound=at(2), exhausted=True)
    assert [s.item_id for s in decision.page] == ["b", "x"]


# ---------------------------------------------------------------------------- the loop
class FakeNode:
    """A node as a server keeps it: ``order`` is the server's order, oldest first."""

    def __init__(self, by_modification: bool = True, listing_newest_first: bool | None = True):
        """``listing_newest_first`` None: the id listing is refused, as Prosody refuses it
        to people who are not the owner's contacts."""
        self.items: dict[str, tuple[datetime, datetime]] = {}
        self.order: list[str] = []
        self.by_modification = by_modification
        self.listing_newest_first = listing_newest_first
        self.requests = 0

    def publish(self, item: str, published: datetime, updated: datetime | None = None) -> None:
        if item in self.items and not self.by_modification:
            pass  # creation order: an edit keeps its place
        else:
            if item in self.order:
                self.order.remove(item)
            self.order.append(item)
        self.items[item] = (published, updated or published)

    def retract(self, item: str) -> None:
        self.order.remove(item)
        del self.items[item]

    def _item(self, parent: ET.Element, item: str) -> None:
        element = ET.SubElement(parent, f"{{{NS_PUBSUB}}}item", id=item)
        entry = ET.SubElement(element, f"{{{ATOM}}}entry")
        published, updated = self.items[item]
        ET.SubElement(entry, f"{{{ATOM}}}published").text = format_date(published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = format_date(updated)

    async def send(self, _client, _to, _itype, payload: ET.Element) -> ET.Element:
        self.requests += 1
        if payload.tag == f"{{{NS_DISCO_ITEMS}}}query":
            if self.listing_newest_first is None:
                raise ServiceError("service-unavailable")
            reply = ET.Element(f"{{{NS_DISCO_ITEMS}}}query")
            listing = list(reversed(self.order)) if self.listing_newest_first else self.order
            for item in listing:
                ET.SubElement(reply, f"{{{NS_DISCO_ITEMS}}}item", jid="x", name=item)
            return reply
        items = payload.find(f"{{{NS_PUBSUB}}}items")
        reply = ET.Element("iq")
        holder = ET.SubElement(ET.SubElement(reply, f"{{{NS_PUBSUB}}}pubsub"),
                               f"{{{NS_PUBSUB}}}items")
        wanted = [i.get("id") for i in items.findall(f"{{{NS_PUBSUB}}}item")]
        if wanted:
            for item in wanted:
                if item in self.items:
                    self._item(holder, item)
        else:
            for item in self.order[-int(items.get("max_items", "0")):]:
                self._item(holder, item)  # the last N of its order, oldest first
        return reply


@pytest.fixture
def node(monkeypatch):
    fake = FakeNode()
    monkeypatch.setattr(reading.iq, "send", fake.send)
    return fake


def newest_first(fake: FakeNode) -> list[str]:
    return [i for i, _ in sorted(fake.items.items(), key=lambda kv: (kv[1][0], kv[0]),
                                 reverse=True)]


async def walk(count: int, fake: FakeNode) -> list[list[str]]:
    page = await reading.latest(None, "alice@example.org", "blog", count)
    pages = [[i.item_id for i in page.items]]
    while page.cursor is not None:
        # Cursors go through the store as text.
        cursor = Cursor.decode(page.cursor.encode())
        page = await reading.older(None, "alice@example.org", "blog", cursor, count)
        pages.append([i.item_id for i in page.items])
    return [p for p in pages if p]


async def test_after_an_edit_the_first_page_is_the_newest_posts(node) -> None:
    for n in range(10):
        node.publish(f"p{n}", at(n))
    node.publish("p2", at(2), at(60))  # an old post edited: Prosody lists it first
    page = await reading.latest(None, "alice@example.org", "blog", 2)
    assert [i.item_id for i in page.items] == ["p9", "p8"]


async def test_paging_after_edits_gives_every_post_once_in_date_order(node) -> None:
    for n in range(25):
        node.publish(f"p{n:02d}", at(n))
    for n in (3, 11, 20, 24):
        node.publish(f"p{n:02d}", at(n), at(100 + n))
    pages = await walk(4, node)
    assert [i for p in pages for i in p] == newest_first(node)
    assert all(len(p) == 4 for p in pages[:-1])


async def test_a_repeat_with_an_old_date_is_found_deep_down(node) -> None:
    for n in range(8):
        node.publish(f"p{n}", at(100 + n))
    node.publish("repeat-of-an-old-post", at(5))  # Libervia keeps the original's date
    pages = await walk(3, node)
    assert [i for p in pages for i in p] == newest_first(node)
    assert pages[-1][-1] == "repeat-of-an-old-post"


async def test_unedited_blogs_cost_one_request_for_the_first_page(node) -> None:
    for n in range(30):
        node.publish(f"p{n:02d}", at(n))
    await reading.latest(None, "alice@example.org", "blog", 10)
    assert node.requests == 1


async def test_a_cursor_from_an_earlier_version_still_pages(node) -> None:
    for n in range(6):
        node.publish(f"p{n}", at(n))
    page = await reading.older(None, "alice@example.org", "blog", Cursor.decode("ids|2|p4"), 2)
    assert [i.item_id for i in page.items] == ["p3", "p2"]


def history(fake: FakeNode, operations, rnd: random.Random, honest: bool) -> None:
    clock = 0
    for kind, n in operations:
        clock += 1
        item = f"p{n:02d}"
        if kind == "publish" and item not in fake.items:
            # Published dates need not follow the order of publishing (imports): only
            # "published <= the time it was first sent" holds. Dishonest entries copy an
            # old updated too (Libervia's repeats).
            published = at(clock - rnd.randint(0, 50))
            fake.publish(item, published, at(clock) if honest or rnd.random() < 0.7
                         else published)
        elif kind == "edit" and item in fake.items:
            fake.publish(item, fake.items[item][0], at(clock))
        elif kind == "retract" and item in fake.items:
            fake.retract(item)


def pages_of(fake: FakeNode, count: int) -> list[list[str]]:
    async def run() -> list[list[str]]:
        original = reading.iq.send
        reading.iq.send = fake.send
        try:
            return await walk(count, fake)
        finally:
            reading.iq.send = original

    return asyncio.run(run())


LISTINGS = st.sampled_from([True, False, None])  # newest first, oldest first, refused
OPERATIONS = st.lists(st.tuples(st.sampled_from(["publish", "publish", "edit", "retract"]),
                                st.integers(0, 30)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(OPERATIONS, st.integers(1, 7), st.booleans(), LISTINGS, st.randoms())
def test_any_honest_history_pages_out_completely_in_order(operations, count, by_modification,
                                                          listing_newest_first, rnd) -> None:
    fake = FakeNode(by_modification, listing_newest_first)
    history(fake, operations, rnd, honest=True)
    pages = pages_of(fake, count)
    assert [i for p in pages for i in p] == newest_first(fake)


@settings(max_examples=60, deadline=None)
@given(OPERATIONS, st.integers(1, 7), st.booleans(), LISTINGS, st.randoms())
def test_copied_dates_never_lose_or_repeat_a_post(operations, count, by_modification,
                                                  listing_newest_first, rnd) -> None:
    fake = FakeNode(by_modification, listing_newest_first)
    history(fake, operations, rnd, honest=False)
    pages = pages_of(fake, count)
    delivered = [i for p in pages for i in p]
    assert sorted(delivered) == sorted(fake.items)
    assert all(p == sorted(p, key=lambda i: (fake.items[i][0], i), reverse=True)
               for p in pages)

