"""Fetching items: the newest N, older pages, single items by id.

Prosody 0.12 ignores RSM on pubsub (it answers with every item), while
ejabberd honours it with opaque timestamp cursors. Neither advertises
``pubsub#rsm``, so support is detected from the ``<set>`` element in a reply
to a plain ``max_items`` request, which both servers answer with the newest N.
Where RSM is missing, the node's item id list (disco#items) is walked instead.

Those are the server's order (Prosody: last modified first). Pages are cut newest first
by ``published`` on top of it (paging.py): items are fetched in the server's order until
the page is decided, and the cursor remembers where the next page starts in both orders.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from slixmpp import ClientXMPP

from xmppsocial.xmpp import iq, paging
from xmppsocial.xmpp.iq import NS_DISCO_ITEMS, NS_PUBSUB, NS_RSM, ServiceError

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_ENTRY = ATOM + "entry"
# Refusals of a node's id listing that mean "page another way" (Prosody lists a
# person's items only to their contacts).
UNLISTED = ("service-unavailable", "forbidden", "not-authorized", "subscription-required",
            "feature-not-implemented")


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as the server sent it: id, publisher (if exposed) and payload, if any."""

    item_id: str
    publisher: str | None
    payload: ET.Element | None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next older page starts, in a form the store can persist as text.

    ``kind`` is "rsm" (``token`` is the server's opaque ``first``), "end" (the server has
    nothing more to hand out); otherwise ``token`` is the last item id fetched in the
    server's order and ``delivered`` how many were fetched: "ids" pages through the
    node's id listing (disco#items), "ids-asc"/"ids-desc" once its order is known,
    "window" through ever wider newest-N requests when the listing is refused.
    ``carried`` are items fetched but not delivered yet, the next page's first
    candidates, and ``bound`` the ``updated`` of the last item fetched (paging.py).
    ``head`` is the first item of the server's order, which tells which way an id
    listing runs. ``dated`` marks such a cursor; one stored by an earlier version pages
    in the server's order, as it did then.
    """

    kind: str
    token: str
    delivered: int = 0
    dated: bool = False
    bound: datetime | None = None
    carried: tuple[str, ...] = ()
    head: str = ""

    def encode(self) -> str:
        if not self.dated:
            return f"{self.kind}|{self.delivered}|{self.token}"
        return json.dumps({"kind": self.kind, "token": self.token, "delivered": self.delivered,
                           "bound": self.bound.isoformat() if self.bound else None,
                           "carried": list(self.carried), "head": self.head},
                          separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> Cursor:
        if not text.startswith("{"):
            kind, delivered, token = text.split("|", 2)
            return cls(kind, token, int(delivered))
        data = json.loads(text)
        bound = data.get("bound")
        return cls(data["kind"], data["token"], int(data["delivered"]), True,
                   datetime.fromisoformat(bound) if bound else None,
                   tuple(data.get("carried", ())), data.get("head", ""))


@dataclass(frozen=True, slots=True)
class Page:
    """A page of items, newest first by ``published``; ``cursor`` is None when there is
    nothing older."""

    items: tuple[RawItem, ...]
    cursor: Cursor | None


def items_request(node: str, max_items: int | None = None, ids: list[str] | None = None,
                  rsm_before: str | None = None, rsm_max: int | None = None) -> ET.Element:
    request = iq.pubsub()
    items = ET.SubElement(request, f"{{{NS_PUBSUB}}}items", node=node)
    if max_items is not None:
        items.set("max_items", str(max_items))
    for item_id in ids or ():
        ET.SubElement(items, f"{{{NS_PUBSUB}}}item", id=item_id)
    if rsm_max is not None:
        rsm = ET.SubElement(request, f"{{{NS_RSM}}}set")
        ET.SubElement(rsm, f"{{{NS_RSM}}}max").text = str(rsm_max)
        before = ET.SubElement(rsm, f"{{{NS_RSM}}}before")
        before.text = rsm_before or None
    return request


def read_items(reply: ET.Element) -> list[RawItem]:
    out = []
    for item in reply.iter(f"{{{NS_PUBSUB}}}item"):
        payload = next(iter(item), None)
        entry = item.find(ATOM_ENTRY)
        out.append(RawItem(item.get("id", ""), item.get("publisher"),
                           entry if entry is not None else payload))
    return out


def read_rsm(reply: ET.Element) -> tuple[bool, str | None, int | None]:
    """(whether a <set> came back, its ``first`` token, the ``first`` index)."""
    rsm = reply.find(f".//{{{NS_RSM}}}set")
    if rsm is None:
        return False, None, None
    first = rsm.find(f"{{{NS_RSM}}}first")
    if first is None:
        return True, None, None
    index = first.get("index")
    return True, first.text, int(index) if index and index.isdigit() else None


async def _first_chunk(client: ClientXMPP, service: str, node: str, count: int) -> Page:
    """The first ``count`` items in the server's order, and where its order goes on."""
    reply = await iq.send(client, service, "get", items_request(node, max_items=count))
    items = read_items(reply)
    # Both answer the first `count` of their order, in reverse.
    items.reverse()
    if len(items) < count:
        return Page(tuple(items), None)
    has_rsm, first, index = read_rsm(reply)
    if has_rsm:
        if first is None:
            reply = await iq.send(client, service, "get",
                                  items_request(node, rsm_before="", rsm_max=count))
            _, first, index = read_rsm(reply)
        if first is not None and index != 0:
            return Page(tuple(items), Cursor("rsm", first, len(items)))
        return Page(tuple(items), None)
    # How to page further back is settled when the user asks for it: most pages are
    # never followed, and asking now would double the requests of a first sync.
    return Page(tuple(items), Cursor("ids", items[-1].item_id, len(items),
                                     head=items[0].item_id))


async def latest(client: ClientXMPP, service: str, node: str, count: int) -> Page:
    """The newest ``count`` items by ``published``, and a cursor for older ones."""
    first = await _first_chunk(client, service, node, count)
    return await _settled(client, service, node, list(first.items), first.cursor, count, None)


async def older(client: ClientXMPP, service: str, node: str, cursor: Cursor, count: int) -> Page:
    """The page of up to ``count`` items older than ``cursor``, newest first."""
    if not cursor.dated:  # a cursor from before pages were cut by date
        return await _next_chunk(client, service, node, cursor, count)
    carried = await by_ids(client, service, node, list(cursor.carried))
    position = None if cursor.kind == "end" else cursor
    return await _settled(client, service, node, carried, position, count, cursor.bound,
                          fetched_last=False)


async def _settled(client: ClientXMPP, service: str, node: str, fetched: list[RawItem],
                   position: Cursor | None, count: int, bound: datetime | None,
                   fetched_last: bool = True) -> Page:
    """Fetch on in the server's order until paging.settle decides the page.

    ``fetched`` are items not delivered yet; when ``fetched_last`` they are the chunk
    just fetched, in the server's order, so their last one sets the bound.
    """
    now = datetime.now(UTC)
    stamps = {item.item_id: _stamped(item, now) for item in fetched}
    if fetched_last:
        bound = _last_updated(fetched, stamps, bound)
    while True:
        decision = paging.settle(list(stamps.values()), count, bound=bound,
                                 exhausted=position is None)
        if decision is not None:
            break
        assert position is not None
        # Twice as much each time: an edit storm costs a few requests, not one per item.
        chunk = await _next_chunk(client, service, node, position, max(count, len(fetched)))
        fresh = [item for item in chunk.items if item.item_id not in stamps]
        stamps.update((item.item_id, _stamped(item, now)) for item in fresh)
        fetched += fresh
        bound = _last_updated(fresh, stamps, bound)
        position = chunk.cursor if fresh else None
    by_id = {item.item_id: item for item in fetched}
    page = tuple(by_id[s.item_id] for s in decision.page)
    if not page or (position is None and not decision.rest):
        return Page(page, None)
    where = position or Cursor("end", "", 0)
    return Page(page, replace(where, dated=True, bound=bound,
                              carried=tuple(s.item_id for s in decision.rest)))


def _last_updated(chunk: list[RawItem], stamps: dict[str, paging.Stamped],
                  bound: datetime | None) -> datetime | None:
    """The ``updated`` of the chunk's last dated item (server order), else ``bound``."""
    for item in reversed(chunk):
        updated = stamps[item.item_id].updated
        if updated is not None:
            return updated
    return bound


def _stamped(item: RawItem, now: datetime) -> paging.Stamped:
    """An item's dates as the parser will read them (microblog._dates: a missing one taken
    from the other, the far future brought back to now)."""
    from xmppsocial.content.microblog import FUTURE_SLACK, parse_date

    entry = item.payload
    if entry is None or entry.tag != ATOM_ENTRY:
        return paging.Stamped(item.item_id, paging.UNDATED, None)
    published = parse_date(entry.findtext(f"{ATOM}published"))
    updated = parse_date(entry.findtext(f"{ATOM}updated"))
    published, updated = published or updated, updated or published
    if published is None or updated is None:
        return paging.Stamped(item.item_id, paging.UNDATED, None)
    limit = now + FUTURE_SLACK
    published = now if published > limit else published
    updated = now if updated > limit else updated
    return paging.Stamped(item.item_id, published, max(updated, published))


def _newest_first(ids: list[str], cursor: Cursor) -> bool:
    """Whether the id listing runs newest first, judged by where the last fetched item
    (and, when known, the first) sits in it: the ``delivered`` first items of the server's
    order lead a newest-first listing and end an oldest-first one. Prosody lists newest
    first, ejabberd oldest first; oldest first is the answer when it cannot tell."""
    evidence = 0
    if cursor.token in ids:
        at = ids.index(cursor.token)
        evidence += abs(at - (len(ids) - cursor.delivered)) - abs(at - (cursor.delivered - 1))
    if cursor.head in ids:
        at = ids.index(cursor.head)
        evidence += abs(at - (len(ids) - 1)) - at
    return evidence > 0


async def _next_chunk(client: ClientXMPP, service: str, node: str, cursor: Cursor,
                      count: int) -> Page:
    """Up to ``count`` items after ``cursor`` in the server's order."""
    if cursor.kind == "rsm":
        reply = await iq.send(client, service, "get",
                              items_request(node, rsm_before=cursor.token, rsm_max=count))
        items = read_items(reply)
        items.reverse()
        _, first, index = read_rsm(reply)
        done = not items or first is None or index == 0 or len(items) < count
        next_cursor = None if done else Cursor("rsm", first or "", cursor.delivered + len(items))
        return Page(tuple(items), next_cursor)
    if cursor.kind == "window":
        return await _older_by_window(client, service, node, cursor, count)
    try:
        ids = await item_ids(client, service, node)
    except ServiceError as exc:
        if cursor.kind == "ids" and exc.condition in UNLISTED:
            return await _older_by_window(client, service, node,
                                          Cursor("window", cursor.token, cursor.delivered),
                                          count)
        raise
    kind = cursor.kind
    if kind == "ids":
        kind = "ids-desc" if _newest_first(ids, cursor) else "ids-asc"
    if kind == "ids-asc":
        ids.reverse()
    # ids is now newest first.
    try:
        start = ids.index(cursor.token) + 1
    except ValueError:
        # The oldest delivered item is gone (retracted); fall back on the count.
        start = min(cursor.delivered, len(ids))
    wanted = ids[start:start + count]
    if not wanted:
        return Page((), None)
    items = await by_ids(client, service, node, wanted)
    order = {item_id: n for n, item_id in enumerate(wanted)}
    items.sort(key=lambda item: order.get(item.item_id, len(order)))
    more = start + count < len(ids)
    next_cursor = Cursor(kind, wanted[-1], cursor.delivered + len(items),
                         head=cursor.head) if more else None
    return Page(tuple(items), next_cursor)


async def _older_by_window(client: ClientXMPP, service: str, node: str, cursor: Cursor,
                           count: int) -> Page:
    """Without RSM or an id list, ask for a window of newest items wide enough to reach
    past the cursor; costly on long blogs, but it works for any reader."""
    # Room for posts published since the cursor was made.
    window = cursor.delivered + 2 * count
    reply = await iq.send(client, service, "get", items_request(node, max_items=window))
    items = read_items(reply)
    items.reverse()
    ids = [item.item_id for item in items]
    start = ids.index(cursor.token) + 1 if cursor.token in ids else cursor.delivered
    page = items[start:start + count]
    exhausted = len(items) < window and start + count >= len(items)
    if not page or exhausted:
        return Page(tuple(page), None)
    return Page(tuple(page), Cursor("window", page[-1].item_id, cursor.delivered + len(page)))


async def by_ids(client: ClientXMPP, service: str, node: str, ids: list[str]) -> list[RawItem]:
    """Items by id, in one request (unknown ids are simply absent from the reply)."""
    if not ids:
        return []
    reply = await iq.send(client, service, "get", items_request(node, ids=ids))
    return read_items(reply)


async def item_ids(client: ClientXMPP, service: str, node: str) -> list[str]:
    """Every item id of the node, in the server's listing order (oldest first on both)."""
    request = ET.Element(f"{{{NS_DISCO_ITEMS}}}query", node=node)
    reply = await iq.send(client, service, "get", request)
    return [item.get("name", "") for item in reply.iter(f"{{{NS_DISCO_ITEMS}}}item")
            if item.get("name")]
