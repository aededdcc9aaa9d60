"""Service discovery: the server's pubsub services and a person's blog nodes."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP

from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_DISCO_INFO, NS_DISCO_ITEMS, ServiceError

SOCIAL_TYPES = ("urn:xmpp:microblog:0", "urn:xmpp:pubsub-social-feed:1",
                "urn:xmpp:pubsub-social-feed:0")


async def info(client: ClientXMPP, jid: str, node: str | None = None
               ) -> tuple[set[tuple[str, str]], set[str]]:
    """(identities as (category, type), features) of a JID or node."""
    query = ET.Element(f"{{{NS_DISCO_INFO}}}query")
    if node:
        query.set("node", node)
    reply = await iq.send(client, jid, "get", query)
    identities = {(i.get("category", ""), i.get("type", ""))
                  for i in reply.iter(f"{{{NS_DISCO_INFO}}}identity")}
    features = {f.get("var", "") for f in reply.iter(f"{{{NS_DISCO_INFO}}}feature")}
    return identities, features


async def items(client: ClientXMPP, jid: str, node: str | None = None) -> list[ET.Element]:
    query = ET.Element(f"{{{NS_DISCO_ITEMS}}}query")
    if node:
        query.set("node", node)
    reply = await iq.send(client, jid, "get", query)
    return list(reply.iter(f"{{{NS_DISCO_ITEMS}}}item"))


async def pubsub_services(client: ClientXMPP) -> list[str]:
    """JIDs on our server with identity pubsub/service, ``comments.`` ones first
    (Movim's convention for where comments live). Cached per client."""
    cached = getattr(client, "_xmppsocial_pubsub_services", None)
    if cached is not None:
        return list(cached)
    domain = client.boundjid.domain
    try:
        candidates = [e.get("jid", "") for e in await items(client, domain)]
    except ServiceError:
        candidates = []
    candidates = [c for c in candidates if c and "@" not in c]
    infos = await asyncio.gather(*(info(client, c) for c in candidates), return_exceptions=True)
    found = [c for c, i in zip(candidates, infos, strict=True)
             if not isinstance(i, BaseException) and ("pubsub", "service") in i[0]]
    found.sort(key=lambda jid: (not jid.startswith("comments."), jid))
    client._xmppsocial_pubsub_services = found  # type: ignore[attr-defined]
    return list(found)


async def blog_nodes(client: ClientXMPP, jid: str) -> list[str]:
    """Nodes at ``jid`` that we may see (a person's PEP nodes or a service's nodes)."""
    return [e.get("node", "") for e in await items(client, jid) if e.get("node")]
