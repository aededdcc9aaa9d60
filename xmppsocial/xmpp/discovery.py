"""Service discovery: the server's pubsub services, a person's blog nodes, the feeds of a
pubsub service (communities) and which contacts have a blog."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from slixmpp import ClientXMPP

from xmppsocial.model import COMMENTS_NODE_PREFIX, NodeRef
from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_DISCO_INFO, NS_DISCO_ITEMS, ServiceError

SOCIAL_TYPES = ("urn:xmpp:microblog:0", "urn:xmpp:pubsub-social-feed:1",
                "urn:xmpp:pubsub-social-feed:0")
# Nodes that are parts of posts, not feeds to follow.
HIDDEN_PREFIXES = (COMMENTS_NODE_PREFIX, "urn:xmpp:pubsub-attachments:1/",
                   "urn:xmpp:pubsub-attachments:summary:1/")


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


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed found while browsing: where it is, what it calls itself, what kind it is
    (``pubsub#type``), and the title of its newest post when that was read."""

    node: NodeRef
    title: str = ""
    kind: str = ""
    description: str = ""
    latest: str = ""


async def node_meta(client: ClientXMPP, service: str, node: str) -> dict[str, str]:
    """A node's ``pubsub#meta-data`` form (title, type, description…); empty where the
    server gives none (ejabberd PEP nodes, ejabberd#4481)."""
    query = ET.Element(f"{{{NS_DISCO_INFO}}}query", node=node)
    reply = await iq.send(client, service, "get", query)
    return iq.read_form(reply)


async def service_feeds(client: ClientXMPP, service: str, limit: int = 200) -> list[FeedInfo]:
    """The feeds a pubsub service lists (disco#items), with their titles and types; comment
    and attachment nodes are left out. At most ``limit`` nodes are described."""
    listed = [(e.get("node", ""), e.get("name", "")) for e in await items(client, service)
              if e.get("node")]
    listed = [(n, name) for n, name in listed if not n.startswith(HIDDEN_PREFIXES)][:limit]
    gate = asyncio.Semaphore(8)

    async def describe(node: str, name: str) -> FeedInfo:
        async with gate:
            try:
                meta = await node_meta(client, service, node)
            except ServiceError:
                meta = {}
        return FeedInfo(NodeRef(service, node), meta.get("pubsub#title") or name,
                        meta.get("pubsub#type", ""), meta.get("pubsub#description", ""))

    return list(await asyncio.gather(*(describe(n, name) for n, name in listed)))


async def contacts_blogs(client: ClientXMPP, contacts: list[tuple[str, str]]) -> list[FeedInfo]:
    """Which of ``contacts`` (JID, roster name) have a blog we can read: their microblog node
    answers (with its newest post's title), rather than item-not-found or a refusal."""
    from xmppsocial.model import MICROBLOG_NODE
    from xmppsocial.xmpp import reading

    gate = asyncio.Semaphore(8)

    async def probe(jid: str, name: str) -> FeedInfo | None:
        async with gate:
            try:
                page = await reading.latest(client, jid, MICROBLOG_NODE, 1)
            except ServiceError:
                return None
        latest = ""
        if page.items and page.items[0].payload is not None:
            title = page.items[0].payload.find("{http://www.w3.org/2005/Atom}title")
            latest = "".join(title.itertext()).strip() if title is not None else ""
        return FeedInfo(NodeRef(jid, MICROBLOG_NODE), name, MICROBLOG_NODE, latest=latest)

    found = await asyncio.gather(*(probe(jid, name) for jid, name in contacts))
    return [f for f in found if f is not None]
