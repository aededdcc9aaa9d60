"""Making sure a blog node exists with settings that keep every post.

Measured on Debian's Prosody 0.12 and ejabberd 23.01: a node autocreated by a
plain publish keeps ONE item and is contacts-only, and ejabberd refuses most
publish-options fields. Creating the node explicitly with a configuration
works on both, so that is what happens before the first publish.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from slixmpp import ClientXMPP

from xmppsocial.model import MICROBLOG_NODE
from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_OWNER, NS_PUBSUB, ServiceError

NODE_CONFIG = NS_PUBSUB + "#node_config"
SOCIAL_FEED_TYPE = "urn:xmpp:pubsub-social-feed:1"


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """The settings of a node that the app cares about, as the server reports them."""

    access_model: str
    max_items: str
    publish_model: str = ""
    node_type: str = ""
    title: str = ""

    @classmethod
    def from_form(cls, values: dict[str, str]) -> NodeConfig:
        return cls(access_model=values.get("pubsub#access_model", ""),
                   max_items=values.get("pubsub#max_items", ""),
                   publish_model=values.get("pubsub#publish_model", ""),
                   node_type=values.get("pubsub#type", ""),
                   title=values.get("pubsub#title", ""))


def blog_config(access_model: str, node: str) -> list[dict[str, str]]:
    """Node configurations to try in order: the full XEP-0472 base profile first, then
    the fields both test servers were measured to accept."""
    node_type = MICROBLOG_NODE if node == MICROBLOG_NODE else SOCIAL_FEED_TYPE
    minimal = {"pubsub#access_model": access_model, "pubsub#max_items": "max",
               "pubsub#type": node_type}
    full = {**minimal, "pubsub#persist_items": "1", "pubsub#notify_retract": "1",
            "pubsub#send_last_published_item": "never", "pubsub#itemreply": "publisher"}
    return [full, minimal]


def comments_config() -> list[dict[str, str]]:
    """Comments nodes are open for reading and publishing (XEP-0277 §4.2)."""
    minimal = {"pubsub#access_model": "open", "pubsub#publish_model": "open",
               "pubsub#max_items": "max"}
    full = {**minimal, "pubsub#persist_items": "1", "pubsub#notify_retract": "1",
            "pubsub#itemreply": "publisher", "pubsub#send_last_published_item": "never"}
    return [full, minimal]


async def get_config(client: ClientXMPP, service: str, node: str) -> NodeConfig:
    """The node's configuration (owner only); ServiceError item-not-found when absent."""
    request = iq.pubsub(NS_OWNER)
    ET.SubElement(request, f"{{{NS_OWNER}}}configure", node=node)
    reply = await iq.send(client, service, "get", request)
    return NodeConfig.from_form(iq.read_form(reply))


async def set_config(client: ClientXMPP, service: str, node: str, fields: dict[str, str]) -> None:
    request = iq.pubsub(NS_OWNER)
    configure = ET.SubElement(request, f"{{{NS_OWNER}}}configure", node=node)
    configure.append(iq.data_form(NODE_CONFIG, fields))
    await iq.send(client, service, "set", request)


async def create(client: ClientXMPP, service: str, node: str,
                 configs: list[dict[str, str]]) -> None:
    """Create and configure in one request, trying richer configurations first.

    A ``conflict`` (the node exists already) counts as success.
    """
    last: ServiceError | None = None
    for fields in configs:
        request = iq.pubsub()
        ET.SubElement(request, f"{{{NS_PUBSUB}}}create", node=node)
        configure = ET.SubElement(request, f"{{{NS_PUBSUB}}}configure")
        configure.append(iq.data_form(NODE_CONFIG, fields))
        try:
            await iq.send(client, service, "set", request)
            return
        except ServiceError as exc:
            if exc.condition == "conflict" and not exc.pubsub:
                return
            if exc.condition in ("forbidden", "not-authorized", "timeout"):
                raise
            last = exc
    assert last is not None
    raise last


async def ensure_blog(client: ClientXMPP, service: str, node: str,
                      access_model: str) -> NodeConfig:
    """Make sure our blog node exists and keeps every post; never touch its audience.

    A missing node is created with ``access_model``. An existing node keeps
    its access model (the caller compares and asks the user); only a one-item
    node left by an autocreating publish is raised to ``max_items=max``.
    """
    try:
        config = await get_config(client, service, node)
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            raise
        await create(client, service, node, blog_config(access_model, node))
        return await get_config(client, service, node)
    if config.max_items in ("1", "0"):
        await set_config(client, service, node, {"pubsub#max_items": "max"})
        config = await get_config(client, service, node)
    return config


class CannotCreate(ServiceError):
    """A pubsub service refused to create a node for us; says so in a person's words."""

    def __init__(self, cause: ServiceError, service: str, node: str) -> None:
        super().__init__(cause.condition, cause.pubsub,
                         f"{service} has no node '{node}' and does not let this account create "
                         "it: ask the service's admin, or post to a node that exists",
                         cause.etype, cause.unsupported)


async def create_on_service(client: ClientXMPP, service: str, node: str,
                            access_model: str) -> None:
    """Create a social feed node on a pubsub service (not a person's PEP), typed as an
    XEP-0472 social feed, with the audience asked for. CannotCreate when refused."""
    try:
        await create(client, service, node, blog_config(access_model, node))
    except ServiceError as exc:
        if exc.condition in ("forbidden", "not-allowed", "not-authorized",
                             "feature-not-implemented"):
            raise CannotCreate(exc, service, node) from None
        raise


async def ensure_on_service(client: ClientXMPP, service: str, node: str,
                            access_model: str) -> str:
    """Make sure a node exists on a pubsub service before publishing to it; returns the
    audience it was created with, "" when it was there already (CannotCreate if refused)."""
    from xmppsocial.xmpp import discovery

    try:
        await discovery.info(client, service, node)
        return ""
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            return ""  # not ours to judge: the publish says what the service allows
    await create_on_service(client, service, node, access_model)
    return access_model


async def set_access(client: ClientXMPP, service: str, node: str, access_model: str) -> None:
    """Change who can read the node. Only ever called on the user's explicit request."""
    await set_config(client, service, node, {"pubsub#access_model": access_model})


async def delete(client: ClientXMPP, service: str, node: str) -> None:
    request = iq.pubsub(NS_OWNER)
    ET.SubElement(request, f"{{{NS_OWNER}}}delete", node=node)
    await iq.send(client, service, "set", request)
