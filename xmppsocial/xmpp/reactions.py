"""Likes: XEP-0470 attachments (Libervia) and Movim's "♥" comments.

The attachment node of an item is named after the item's XMPP URI. Peers
compare node names as raw strings, so the URI is encoded the way Libervia
writes it (quote_plus of node and item, the JID kept as is).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote_plus

from xmppsocial.model import Post, PostRef

NS_ATTACHMENTS = "urn:xmpp:pubsub-attachments:1"
ATTACHMENTS_PREFIX = NS_ATTACHMENTS + "/"


def attachments_node(target: PostRef) -> str:
    return (f"{ATTACHMENTS_PREFIX}xmpp:{target.service}?;node={quote_plus(target.node)}"
            f";item={quote_plus(target.item)}")


def noticed_payload(existing: ET.Element | None = None) -> ET.Element:
    """Our attachments element with ``noticed`` set, keeping children we don't know
    (XEP-0470 §4.1.1 asks to preserve them when updating)."""
    payload = ET.Element(f"{{{NS_ATTACHMENTS}}}attachments")
    if existing is not None:
        for child in existing:
            if child.tag != f"{{{NS_ATTACHMENTS}}}noticed":
                payload.append(child)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(payload, f"{{{NS_ATTACHMENTS}}}noticed", timestamp=stamp)
    return payload


def noticed_by(items: list[tuple[str, str | None, ET.Element | None]]) -> set[str]:
    """Bare JIDs that noticed (liked) the item, from (item id, publisher, payload).

    An item counts only when its id is a JID and, where the server exposes the
    publisher, that publisher is the same JID: nobody can like in another's name.
    """
    who = set()
    for item_id, publisher, payload in items:
        if payload is None or "@" not in item_id:
            continue
        if publisher and publisher.split("/", 1)[0] != item_id:
            continue
        if payload.find(f"{{{NS_ATTACHMENTS}}}noticed") is not None:
            who.add(item_id)
    return who


def without_noticed(existing: ET.Element) -> ET.Element | None:
    """Our attachments element with ``noticed`` taken out, or None when nothing would be
    left (then the item is retracted); children we do not know are kept (XEP-0470 §4.1.1)."""
    kept = [child for child in existing if child.tag != f"{{{NS_ATTACHMENTS}}}noticed"]
    if not kept:
        return None
    payload = ET.Element(f"{{{NS_ATTACHMENTS}}}attachments")
    payload.extend(kept)
    return payload


def empty_payload() -> ET.Element:
    """An attachments element that says nothing: what stands for "no like" where the
    server will not let a publisher retract its own item (Prosody)."""
    return ET.Element(f"{{{NS_ATTACHMENTS}}}attachments")


def attachments_config(access_model: str) -> list[dict[str, str]]:
    """The attachments node of one of our posts: read by the post's audience, written by
    anyone who can read it (the XEP's "basic mode", as Libervia creates it)."""
    minimal = {"pubsub#access_model": access_model, "pubsub#publish_model": "open",
               "pubsub#max_items": "max"}
    return [{**minimal, "pubsub#persist_items": "1", "pubsub#notify_retract": "1",
             "pubsub#send_last_published_item": "never"}, minimal]


def is_attachments_node_of(name: str, service: str, node: str) -> bool:
    """Whether the node ``name`` holds the attachments of an item of (service, node)."""
    return name.startswith(f"{ATTACHMENTS_PREFIX}xmpp:{service}?;node={quote_plus(node)};item=")


@dataclass(frozen=True, slots=True)
class Reactions:
    """What people did with a post: XEP-0470 likes by bare JID, and its comments (Movim's
    "♥" likes included)."""

    noticed: frozenset[str]
    comments: tuple[Post, ...]

    @property
    def likers(self) -> frozenset[str]:
        """Each person once. Prosody 0.12 hides item publishers on PEP (no itemreply), so
        a heart whose publisher is unknown counts by its claimed author; a known publisher
        that differs from the claim does not count."""
        hearts = {c.author.jid for c in self.comments
                  if c.is_like and c.author.jid and (c.author.verified or c.publisher is None)}
        return self.noticed | hearts
