"""Publishing, editing and retracting items, with the fallbacks real servers need."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP

from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_PUBSUB, ServiceError

PUBLISH_OPTIONS = NS_PUBSUB + "#publish-options"


class AccessModelMismatch(ServiceError):
    """The blog's audience differs from the one asked for; nothing was changed."""

    def __init__(self, current: str, wanted: str) -> None:
        self.current = current
        self.wanted = wanted
        words = {"open": "public", "presence": "for contacts only"}
        super().__init__("conflict", "precondition-not-met",
                         f"the blog is {words.get(current, current)} and this post asked for "
                         f"{words.get(wanted, wanted)}; a blog's audience is the same for all "
                         "its posts")

    @property
    def message(self) -> str:
        return self.text  # already in a person's words


def publish_request(node: str, item_id: str, payload: ET.Element,
                    options: dict[str, str] | None) -> ET.Element:
    request = iq.pubsub()
    publish = ET.SubElement(request, f"{{{NS_PUBSUB}}}publish", node=node)
    item = ET.SubElement(publish, f"{{{NS_PUBSUB}}}item", id=item_id)
    item.append(payload)
    if options:
        holder = ET.SubElement(request, f"{{{NS_PUBSUB}}}publish-options")
        holder.append(iq.data_form(PUBLISH_OPTIONS, options))
    return request


async def publish(client: ClientXMPP, service: str, node: str, item_id: str,
                  payload: ET.Element, options: dict[str, str] | None = None) -> str:
    """Publish one item; returns the item id the server kept.

    Publish-options are preconditions. ejabberd 23.01 refuses fields it does
    not know with resource-constraint ("Unknown field"): the item is then sent
    again without options rather than lost.
    """
    try:
        reply = await iq.send(client, service, "set",
                              publish_request(node, item_id, payload, options))
    except ServiceError as exc:
        if not options or not (exc.has("resource-constraint") or exc.has("bad-request")
                               or exc.has("feature-not-implemented")):
            raise
        reply = await iq.send(client, service, "set",
                              publish_request(node, item_id, payload, None))
    kept = reply.find(f".//{{{NS_PUBSUB}}}item")
    return kept.get("id", item_id) if kept is not None else item_id


async def retract(client: ClientXMPP, service: str, node: str, item_id: str) -> None:
    """Remove an item and tell subscribers (notify), so it vanishes everywhere."""
    request = iq.pubsub()
    retract_el = ET.SubElement(request, f"{{{NS_PUBSUB}}}retract", node=node, notify="true")
    ET.SubElement(retract_el, f"{{{NS_PUBSUB}}}item", id=item_id)
    await iq.send(client, service, "set", request)
