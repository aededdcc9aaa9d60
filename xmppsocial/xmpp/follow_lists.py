"""The account's follow lists in Movim 0.32's format, so follows roam between clients.

A PEP service cannot be asked which other people's nodes we are subscribed to, so a
follow is also written down on the account: an item in the private list
``urn:xmpp:pubsub:movim-public-subscription`` (whitelist: only we read it, despite the
name) and, for a follow made public, in ``urn:xmpp:pubsub:subscription`` (XEP-0330,
readable by contacts). The payload is ``<subscription xmlns='urn:xmpp:pubsub:subscription:0'
server='SERVICE' node='NODE'/>`` and the item id the SHA-1 of ``SERVICE<NODE<OWN_JID``,
exactly as Movim writes them (``PubsubSubscription.php``); the older payload namespace
``urn:xmpp:pubsub:subscription`` is read too.

The lists are created with their configuration before the first item: a publish that
lets the server create them would make one-item nodes on ejabberd 23.01, which refuses
``max_items`` in publish-options (servers.md).
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP

from xmppsocial.model import COMMENTS_NODE_PREFIX, NodeRef
from xmppsocial.xmpp import iq, nodes, publishing, reactions, reading
from xmppsocial.xmpp.iq import ServiceError

PRIVATE_LIST = "urn:xmpp:pubsub:movim-public-subscription"
PUBLIC_LIST = "urn:xmpp:pubsub:subscription"
NS_SUBSCRIPTION = "urn:xmpp:pubsub:subscription:0"
NS_SUBSCRIPTION_OLD = "urn:xmpp:pubsub:subscription"
LIST_SIZE = 1000  # what Movim asks for


def item_id(target: NodeRef, me: str) -> str:
    """Movim's item id for our follow of ``target``."""
    return hashlib.sha1(f"{target.service}<{target.node}<{me}".encode()).hexdigest()


def payload(target: NodeRef) -> ET.Element:
    return ET.Element(f"{{{NS_SUBSCRIPTION}}}subscription", server=target.service,
                      node=target.node)


def read_payload(element: ET.Element | None) -> NodeRef | None:
    """The node a list item names, in either namespace; None for anything else."""
    if element is None or element.tag not in (f"{{{NS_SUBSCRIPTION}}}subscription",
                                              f"{{{NS_SUBSCRIPTION_OLD}}}subscription"):
        return None
    service, node = (element.get("server") or "").strip(), (element.get("node") or "").strip()
    if not service or not node or any(c.isspace() for c in service):
        return None
    return NodeRef(service, node)


def is_feed(node: NodeRef) -> bool:
    """Whether a listed node is something one follows as a feed (not a comments or
    attachments node, which other clients may list too)."""
    return not (node.node.startswith(COMMENTS_NODE_PREFIX)
                or node.node.startswith(reactions.ATTACHMENTS_PREFIX))


def list_config(list_node: str) -> dict[str, str]:
    """Movim's configuration of the two lists."""
    return {"pubsub#access_model": "presence" if list_node == PUBLIC_LIST else "whitelist",
            "pubsub#persist_items": "1", "pubsub#max_items": "max",
            "pubsub#send_last_published_item": "never", "pubsub#notify_retract": "1"}


def read_items(items: list[reading.RawItem]) -> dict[NodeRef, list[str]]:
    """Listed nodes and the item ids naming each (other clients may have used other ids)."""
    listed: dict[NodeRef, list[str]] = {}
    for item in items:
        node = read_payload(item.payload)
        if node is not None:
            listed.setdefault(node, []).append(item.item_id)
    return listed


async def read_list(client: ClientXMPP, owner: str, list_node: str) -> dict[NodeRef, list[str]]:
    """One list of ``owner`` (ourselves, or a contact's public list). A list that does not
    exist is empty; any other refusal raises, so that an unreadable list is never taken
    for an empty one."""
    found = await read_list_if_any(client, owner, list_node)
    return {} if found is None else found


async def read_list_if_any(client: ClientXMPP, owner: str, list_node: str
                           ) -> dict[NodeRef, list[str]] | None:
    """As read_list, but None when the list does not exist at all (never written, or the
    server lost it), which is not the same as a list emptied by unfollowing."""
    try:
        reply = await iq.send(client, owner, "get",
                              reading.items_request(list_node, max_items=LIST_SIZE))
    except ServiceError as exc:
        if exc.has("item-not-found"):
            return None
        raise
    return read_items(reading.read_items(reply))


async def ensure_list(client: ClientXMPP, me: str, list_node: str) -> None:
    """Make the list exist with Movim's configuration. An existing private list readable
    by others is made private again (that only ever narrows who sees it); a public list
    keeps the audience its owner gave it; a one-item list is raised to keep every item."""
    wanted = list_config(list_node)
    try:
        config = await nodes.get_config(client, me, list_node)
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            raise
        minimal = {k: wanted[k] for k in ("pubsub#access_model", "pubsub#max_items")}
        await nodes.create(client, me, list_node, [wanted, minimal])
        return
    fixes = {}
    if list_node == PRIVATE_LIST and config.access_model != "whitelist":
        fixes["pubsub#access_model"] = "whitelist"
    if config.max_items in ("0", "1"):
        fixes["pubsub#max_items"] = "max"
    if fixes:
        await nodes.set_config(client, me, list_node, fixes)


async def add(client: ClientXMPP, me: str, target: NodeRef, list_node: str) -> None:
    """Write our follow of ``target`` into one list (the list must exist: ensure_list)."""
    options = ({"pubsub#access_model": "whitelist"} if list_node == PRIVATE_LIST else None)
    try:
        await publishing.publish(client, me, list_node, item_id(target, me), payload(target),
                                 options)
    except ServiceError as exc:
        if not exc.has("precondition-not-met"):
            raise
        # Someone opened the private list since we checked it: close it, then write.
        await ensure_list(client, me, list_node)
        await publishing.publish(client, me, list_node, item_id(target, me), payload(target))


async def remove(client: ClientXMPP, me: str, target: NodeRef, list_node: str,
                 ids: list[str] | tuple[str, ...] = ()) -> None:
    """Take ``target`` out of one list: our id for it and any other ids found naming it."""
    for found in dict.fromkeys([item_id(target, me), *ids]):
        try:
            await publishing.retract(client, me, list_node, found)
        except ServiceError as exc:
            if not exc.has("item-not-found"):
                raise
