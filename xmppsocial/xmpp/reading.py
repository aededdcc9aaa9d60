"""Fetching items: the newest N, older pages, single items by id.

Prosody 0.12 ignores RSM on pubsub (it answers with every item), while
ejabberd honours it with opaque timestamp cursors. Neither advertises
``pubsub#rsm``, so support is detected from the ``<set>`` element in a reply
to a plain ``max_items`` request, which both servers answer with the newest N.
Where RSM is missing, older pages come from the node's item id list
(disco#items), fetched by id and ordered locally by the caller.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from slixmpp import ClientXMPP

from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_DISCO_ITEMS, NS_PUBSUB, NS_RSM, ServiceError

ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"
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

    ``kind`` is "rsm" (``token`` is the server's opaque ``first``); otherwise ``token``
    is the oldest item id delivered so far and ``delivered`` how many: "ids" pages
    through the node's id listing (disco#items), "ids-asc"/"ids-desc" once its order
    is known, "window" through ever wider newest-N requests when the listing is refused.
    """

    kind: str
    token: str
    delivered: int = 0

    def encode(self) -> str:
        return f"{self.kind}|{self.delivered}|{self.token}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        kind, delivered, token = text.split("|", 2)
        return cls(kind, token, int(delivered))


@dataclass(frozen=True, slots=True)
class Page:
    """A page of items, newest first as far as the server's order tells; ``cursor`` is
    None when there is nothing older."""

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


async def latest(client: ClientXMPP, service: str, node: str, count: int) -> Page:
    """The newest ``count`` items and a cursor for older ones."""
    reply = await iq.send(client, service, "get", items_request(node, max_items=count))
    items = read_items(reply)
    # Prosody answers oldest first; both return the newest `count`.
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
    return Page(tuple(items), Cursor("ids", items[-1].item_id, len(items)))


def _newest_first(ids: list[str], cursor: Cursor) -> bool:
    """Whether the id listing runs newest first, judged by where the oldest delivered item
    sits in it: the ``delivered`` newest items lead a newest-first listing and end an
    oldest-first one. Both servers list oldest first, the answer when it cannot tell."""
    if cursor.token not in ids:
        return False
    at = ids.index(cursor.token)
    return abs(at - (cursor.delivered - 1)) < abs(at - (len(ids) - cursor.delivered))


async def older(client: ClientXMPP, service: str, node: str, cursor: Cursor, count: int) -> Page:
    """The page of up to ``count`` items older than ``cursor``."""
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
    next_cursor = Cursor(kind, wanted[-1], cursor.delivered + len(items)) if more else None
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
