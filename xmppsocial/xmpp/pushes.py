"""Reading PubSub event messages (pushes) into plain values.

The handler reads the message XML directly. slixmpp's own per-item events
re-deliver the whole message once per item, and its stanza objects keep their
iteration index on the object, so looping over the same stanza inside its
handler never ends; reading ``msg.xml`` avoids both traps.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections import OrderedDict
from dataclasses import dataclass, field

from xmppsocial.model import MICROBLOG_NODE
from xmppsocial.xmpp.iq import NS_EVENT
from xmppsocial.xmpp.reading import ATOM_ENTRY, RawItem


@dataclass(frozen=True, slots=True)
class Push:
    """Everything one event message said, per node."""

    service: str
    node: str
    items: tuple[RawItem, ...] = ()
    retracted: tuple[str, ...] = ()
    purged: bool = False
    deleted: bool = False
    subscriptions: tuple[tuple[str, str], ...] = ()  # (jid, state)
    delayed: bool = False


def bare(jid: str) -> str:
    return jid.split("/", 1)[0]


def read_push(message: ET.Element) -> list[Push]:
    """Pushes in an event message; an empty list when it carries none."""
    event = message.find(f"{{{NS_EVENT}}}event")
    if event is None:
        return []
    sender = bare(message.get("from", ""))
    delayed = message.find("{urn:xmpp:delay}delay") is not None
    pushes = []
    for items in event.findall(f"{{{NS_EVENT}}}items"):
        node = items.get("node", "")
        raw = []
        for item in items.findall(f"{{{NS_EVENT}}}item"):
            entry = item.find(ATOM_ENTRY)
            payload = entry if entry is not None else next(iter(item), None)
            raw.append(RawItem(item.get("id", ""), item.get("publisher"), payload))
        retracted = tuple(r.get("id", "") for r in items.findall(f"{{{NS_EVENT}}}retract"))
        service = _service_for(sender, node, raw)
        pushes.append(Push(service, node, tuple(raw), retracted, delayed=delayed))
    for tag, key in (("purge", "purged"), ("delete", "deleted")):
        for element in event.findall(f"{{{NS_EVENT}}}{tag}"):
            pushes.append(Push(sender, element.get("node", ""), **{key: True}))
    for sub in event.findall(f"{{{NS_EVENT}}}subscription"):
        pushes.append(Push(sender, sub.get("node", ""),
                           subscriptions=((sub.get("jid", ""), sub.get("subscription", "")),)))
    return pushes


def _service_for(sender: str, node: str, items: list[RawItem]) -> str:
    # ejabberd can resend a followed PEP node's last item from its pubsub
    # component instead of the owner's JID; the publisher then names the owner.
    if node == MICROBLOG_NODE and "@" not in sender:
        for item in items:
            if item.publisher:
                return bare(item.publisher)
    return sender


@dataclass
class Deduper:
    """Remembers recently seen item versions: the same push can arrive twice (bare and
    full JID), and a push can repeat what a fetch just returned."""

    capacity: int = 8192
    _seen: OrderedDict[tuple[str, str, str, str], None] = field(default_factory=OrderedDict)

    def first_time(self, service: str, node: str, item_id: str, payload: str) -> bool:
        digest = hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()
        key = (service, node, item_id, digest)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True

    def forget(self, service: str, node: str, item_id: str) -> None:
        for key in [k for k in self._seen if k[:3] == (service, node, item_id)]:
            del self._seen[key]
