"""Refusals in a person's words: what the server will not take, and why a blog is closed.

A refusal is not a network failure: sending the same thing again later would fail
again. ``Refused`` marks those, so that callers keep the text as a draft instead of
queueing it. ``explain_read`` tells a blog that is for contacts only from a blog that
does not exist, which Prosody answers alike (``forbidden``) for a reader who is not
a contact.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP

from xmppsocial.model import NodeRef
from xmppsocial.xmpp import iq
from xmppsocial.xmpp.iq import NS_PUBSUB, ServiceError


def size_words(size: int) -> str:
    """Bytes for people: "940 bytes", "256 kB", "2.1 MB"."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


class Refused(ServiceError):
    """The server will not take this, however often it is sent.

    ``size`` is what was sent (for payload-too-big), ``limit`` the server's limit when
    it said one. Callers never queue a Refused item; they keep its text as a draft.
    """

    def __init__(self, cause: ServiceError, *, size: int | None = None,
                 limit: int | None = None) -> None:
        self.cause = cause
        self.size = size
        self.limit = limit
        super().__init__(cause.condition, cause.pubsub, cause.text, cause.etype,
                         cause.unsupported)

    @property
    def message(self) -> str:
        words = super().message
        if self.size is None:
            return words
        extra = size_words(self.size)
        if self.limit:
            extra += f"; this server takes at most {size_words(self.limit)}"
        head, sep, tail = words.partition(": ")
        return f"{head} ({extra}){sep}{tail}"

    @property
    def transient(self) -> bool:
        return False


class Explained(ServiceError):
    """A refusal whose cause was found out: ``message`` is the whole sentence."""

    def __init__(self, cause: ServiceError, sentence: str, pubsub: str | None = None) -> None:
        self.sentence = sentence
        super().__init__(cause.condition, pubsub or cause.pubsub, cause.text, cause.etype,
                         cause.unsupported)

    @property
    def message(self) -> str:
        return self.sentence


def too_big(size: int, text: str = "", limit: int | None = None) -> Refused:
    """The refusal for an item the server found too big (an error reply or a stream
    closed with policy-violation)."""
    return Refused(ServiceError("not-acceptable", "payload-too-big", text, "modify"),
                   size=size, limit=limit)


def refusal(exc: ServiceError, payload: ET.Element | None = None) -> ServiceError:
    """``exc`` as a Refused when it is one (sized when the item was too big), else as is."""
    if exc.transient or isinstance(exc, Refused):
        return exc
    size = None
    if payload is not None and exc.has("payload-too-big"):
        size = len(ET.tostring(payload, encoding="utf-8"))
    return Refused(exc, size=size)


def _owner(node: NodeRef) -> str | None:
    return node.service if "@" in node.service else None


async def explain_read(client: ClientXMPP, node: NodeRef, exc: ServiceError) -> ServiceError:
    """Why a blog (or a post's comments) cannot be read or followed, in words.

    ejabberd says it plainly (presence-subscription-required, item-not-found). Prosody
    answers ``forbidden`` both for a contacts-only blog and for an account that does not
    exist; asking for our own subscriptions to the node tells them apart, since the
    node's existence is not hidden there.
    """
    owner = _owner(node)
    if owner is None or isinstance(exc, Explained) or exc.transient:
        return exc
    what = f"{owner}'s blog" if not node.is_comments else f"the comments on {owner}'s post"
    closed = Explained(exc, f"{what} is for contacts only: ask {owner} to add you as a contact",
                       "presence-subscription-required")
    missing = Explained(exc, f"there is no blog at {owner}: the account does not exist or "
                             f"has never posted" if not node.is_comments else
                        f"the comments on this post of {owner}'s are gone")
    if exc.has("presence-subscription-required") or (exc.has("not-authorized")
                                                     and exc.pubsub is None):
        return closed
    if exc.has("item-not-found"):
        return missing
    if not exc.has("forbidden"):
        return exc
    request = iq.pubsub()
    ET.SubElement(request, f"{{{NS_PUBSUB}}}subscriptions", node=node.node)
    try:
        await iq.send(client, node.service, "get", request, timeout=10)
    except ServiceError as probe:
        return missing if probe.has("item-not-found") else exc
    return closed
