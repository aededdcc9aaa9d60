"""XEP-0470 attachments on the wire: likes ("noticed") on any post, and the attachments
nodes of our own posts, without which Libervia users cannot like them.

A non-owner cannot create a node on someone's PEP service, so the author's client
creates one per post (Libervia does it for every post it publishes): same audience as
the blog, publishing open to anyone who may read it.
"""

from __future__ import annotations

import asyncio
import logging

from slixmpp import ClientXMPP

from xmppsocial.model import PostRef
from xmppsocial.xmpp import discovery, nodes, publishing, reactions, reading
from xmppsocial.xmpp.iq import ServiceError

log = logging.getLogger(__name__)

# What reading a post's attachments node can answer when there is nothing to count: no
# node (Prosody says forbidden for a missing node on someone's PEP), or not for us.
NOTHING_THERE = ("item-not-found", "forbidden", "feature-not-implemented", "not-authorized",
                 "presence-subscription-required")


async def likers(client: ClientXMPP, target: PostRef) -> set[str]:
    """Bare JIDs with a "noticed" on the post; empty when it has no attachments node."""
    node = reactions.attachments_node(target)
    try:
        page = await reading.latest(client, target.service, node, 500)
    except ServiceError as exc:
        if any(exc.has(name) for name in NOTHING_THERE):
            return set()
        raise
    return reactions.noticed_by([(i.item_id, i.publisher, i.payload) for i in page.items])


async def notice(client: ClientXMPP, target: PostRef) -> None:
    """Publish (or refresh) our "noticed" on the post, keeping what else our item holds.
    ServiceError item-not-found/forbidden: the post has no attachments node we may use."""
    node = reactions.attachments_node(target)
    me = client.boundjid.bare
    existing = await reading.by_ids(client, target.service, node, [me])
    payload = reactions.noticed_payload(existing[0].payload if existing else None)
    await publishing.publish(client, target.service, node, me, payload)


async def unnotice(client: ClientXMPP, target: PostRef) -> bool:
    """Take our "noticed" back; False when there was none.

    What else our item holds stays. An item left empty is retracted, or, where the server
    lets only owners retract (Prosody), replaced by an empty attachments element.
    """
    node = reactions.attachments_node(target)
    me = client.boundjid.bare
    try:
        existing = await reading.by_ids(client, target.service, node, [me])
    except ServiceError as exc:
        if any(exc.has(name) for name in NOTHING_THERE):
            return False
        raise
    if not existing or existing[0].payload is None or \
            me not in reactions.noticed_by([(me, None, existing[0].payload)]):
        return False
    rest = reactions.without_noticed(existing[0].payload)
    if rest is not None:
        await publishing.publish(client, target.service, node, me, rest)
        return True
    try:
        await publishing.retract(client, target.service, node, me)
    except ServiceError as exc:
        if not exc.has("forbidden"):
            raise
        await publishing.publish(client, target.service, node, me, reactions.empty_payload())
    return True


async def create_for(client: ClientXMPP, target: PostRef, access_model: str) -> bool:
    """Make the attachments node of one of our posts (an existing one counts); False when
    the service will not let us (a pubsub service where we may only publish)."""
    try:
        await nodes.create(client, target.service, reactions.attachments_node(target),
                           reactions.attachments_config(access_model))
    except ServiceError as exc:
        log.info("no attachments node for %s: %s", target, exc)
        return False
    return True


async def set_audience(client: ClientXMPP, owner: str, blog: str, access_model: str) -> int:
    """Give the attachments nodes of every post of the blog (``owner``, ``blog``) the blog's
    new audience, so that who liked what is not shown wider than the posts. Returns how
    many."""
    try:
        names = [name for name in await discovery.blog_nodes(client, owner)
                 if reactions.is_attachments_node_of(name, owner, blog)]
    except ServiceError as exc:
        log.info("cannot list the attachments nodes at %s: %s", owner, exc)
        return 0
    gate = asyncio.Semaphore(8)

    async def one(name: str) -> bool:
        async with gate:
            try:
                await nodes.set_config(client, owner, name,
                                       {"pubsub#access_model": access_model})
            except ServiceError as exc:
                log.info("attachments node %s keeps its audience: %s", name, exc)
                return False
            return True

    return sum(await asyncio.gather(*(one(name) for name in names)))
