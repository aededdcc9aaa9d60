"""Explicit follows (PubSub subscriptions) and the followers of our own blog."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from slixmpp import ClientXMPP

from xmppsocial.model import NodeRef
from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_OWNER, NS_PUBSUB, ServiceError


class Unsupported(ServiceError):
    """The server cannot answer this kind of question (e.g. followers on ejabberd PEP)."""


@dataclass(frozen=True, slots=True)
class Subscription:
    node: NodeRef
    jid: str
    state: str
    subid: str | None = None


def _subscriptions(reply: ET.Element, service: str, namespace: str) -> list[Subscription]:
    out = []
    for sub in reply.iter(f"{{{namespace}}}subscription"):
        node = sub.get("node")
        if node is None:
            holder = reply.find(f".//{{{namespace}}}subscriptions")
            node = holder.get("node", "") if holder is not None else ""
        out.append(Subscription(NodeRef(service, node), sub.get("jid", ""),
                                sub.get("subscription", "subscribed"), sub.get("subid")))
    return out


async def subscribe(client: ClientXMPP, target: NodeRef) -> Subscription:
    """Follow a node with our bare JID; the state may be "pending" on authorize nodes."""
    request = iq.pubsub()
    ET.SubElement(request, f"{{{NS_PUBSUB}}}subscribe", node=target.node,
                  jid=client.boundjid.bare)
    reply = await iq.send(client, target.service, "set", request)
    subs = _subscriptions(reply, target.service, NS_PUBSUB)
    return subs[0] if subs else Subscription(target, client.boundjid.bare, "subscribed")


async def unsubscribe(client: ClientXMPP, target: NodeRef) -> None:
    """Stop following; "not subscribed" answers count as done."""
    request = iq.pubsub()
    ET.SubElement(request, f"{{{NS_PUBSUB}}}unsubscribe", node=target.node,
                  jid=client.boundjid.bare)
    try:
        await iq.send(client, target.service, "set", request)
    except ServiceError as exc:
        if not (exc.has("not-subscribed") or exc.has("unexpected-request")
                or exc.has("item-not-found")):
            raise


async def my_subscriptions(client: ClientXMPP, service: str,
                           node: str | None = None) -> list[Subscription]:
    """Our subscriptions at one service (for PEP: at one person's account)."""
    request = iq.pubsub()
    element = ET.SubElement(request, f"{{{NS_PUBSUB}}}subscriptions")
    if node:
        element.set("node", node)
    reply = await iq.send(client, service, "get", request)
    return [s for s in _subscriptions(reply, service, NS_PUBSUB) if s.state != "none"]


async def subscribers(client: ClientXMPP, target: NodeRef) -> list[Subscription]:
    """Who follows a node we own. Raises Unsupported where the server cannot tell
    (ejabberd 23.01 PEP answers feature-not-implemented)."""
    request = iq.pubsub(NS_OWNER)
    ET.SubElement(request, f"{{{NS_OWNER}}}subscriptions", node=target.node)
    try:
        reply = await iq.send(client, target.service, "get", request)
    except ServiceError as exc:
        if exc.has("feature-not-implemented") or exc.has("unsupported"):
            raise Unsupported(exc.condition, exc.pubsub,
                              "this server does not list the followers of a blog",
                              exc.etype, exc.unsupported) from None
        raise
    return [s for s in _subscriptions(reply, target.service, NS_OWNER)
            if s.state == "subscribed"]
