"""What a person types or pastes to open a blog: a JID, or an ``xmpp:`` URI.

``alice@example.org`` and ``xmpp:alice@example.org`` open her blog (her microblog node);
``xmpp:pubsub.example.org?;node=Movim`` a community feed; a URI with ``;item=`` one post
in its blog; a bare service address (``pubsub.example.org``) names a pubsub service whose
nodes can be browsed. Movim's "click to follow" form (``?pubsub;action=subscribe;node=…``)
is accepted too, and says so (``follow``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.uris import parse_pubsub_uri

_DOMAIN = re.compile(r"[^\s@/\\\"'<>&]+\.[^\s@/\\\"'<>&]+|localhost")
_LOCAL = re.compile(r"[^\s@/\\\"'<>&:]+")


class AddressError(ValueError):
    """Not something a blog can be opened from; the message says what would be."""


@dataclass(frozen=True, slots=True)
class BlogAddress:
    """A blog to open (``node`` set), possibly at one post (``item``), or a pubsub service
    to browse (``node`` None). ``follow`` when the URI asked to subscribe."""

    service: str
    node: str | None = None
    item: str | None = None
    follow: bool = False

    @property
    def blog(self) -> NodeRef | None:
        return NodeRef(self.service, self.node) if self.node is not None else None

    @property
    def post(self) -> PostRef | None:
        if self.node is None or self.item is None:
            return None
        return PostRef(self.service, self.node, self.item)

    @property
    def uri(self) -> str:
        from xmppsocial.uris import pubsub_uri

        return pubsub_uri(self.service, self.node, self.item) if self.node is not None \
            else f"xmpp:{self.service}"


HINT = ("expected a JID like alice@example.org or an xmpp: URI like "
        "xmpp:alice@example.org?;node=urn:xmpp:microblog:0")


def looks_like_address(text: str) -> bool:
    """Whether a command-line word is meant as a blog to open (not a command)."""
    text = text.strip()
    return text[:5].lower() == "xmpp:" or ("@" in text and not text.startswith("-"))


def parse_blog_address(text: str) -> BlogAddress:
    """Read a JID or ``xmpp:`` URI; raises AddressError with a person's words."""
    text = text.strip()
    if not text:
        raise AddressError(f"nothing to open: {HINT}")
    if text[:5].lower() == "xmpp:":
        parsed = parse_pubsub_uri(text)
        if parsed is None:
            raise AddressError(f"cannot read {text!r}: {HINT}")
        jid, node, item = parsed
        follow = "action=subscribe" in text.split("?", 1)[-1].lower()
    else:
        jid, node, item, follow = text, None, None, False
    service = _jid(jid, text)
    if node is None and "@" in service:
        node = MICROBLOG_NODE  # a person: their blog
    if node is not None and not node.strip():
        raise AddressError(f"{text!r} names an empty node: {HINT}")
    if item is not None and node is None:
        raise AddressError(f"{text!r} names a post but no node: {HINT}")
    return BlogAddress(service, node, item or None, follow)


def _jid(jid: str, text: str) -> str:
    """The bare JID, lower-cased; a resource is dropped (a blog belongs to the account)."""
    bare = jid.split("/", 1)[0].strip().lower()
    local, at, domain = bare.rpartition("@")
    valid = (_DOMAIN.fullmatch(domain) is not None and len(bare) <= 3071
             and (not at or _LOCAL.fullmatch(local) is not None))
    if not valid:
        raise AddressError(f"{text!r} is not a JID or xmpp: URI: {HINT}")
    return bare
