"""The project's vocabulary: immutable values shared by every layer.

Nothing here does I/O or imports Textual or slixmpp. A post is identified by
where it lives on the network, (service, node, item id), never by its Atom id,
which peers fill in inconsistently (a UUID, a slug, a tag: or an xmpp: URI).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

MICROBLOG_NODE = "urn:xmpp:microblog:0"
COMMENTS_NODE_PREFIX = MICROBLOG_NODE + ":comments/"
LIKE_MARK = "\u2665"  # Movim's like: a comment whose title is exactly this heart


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A PubSub node: a user's PEP blog (service = bare JID) or any node on a service."""

    service: str
    node: str = MICROBLOG_NODE

    @property
    def is_comments(self) -> bool:
        return self.node.startswith(COMMENTS_NODE_PREFIX)


@dataclass(frozen=True, slots=True)
class PostRef:
    """Where one item lives: the key of a post everywhere in the program."""

    service: str
    node: str
    item: str

    @property
    def node_ref(self) -> NodeRef:
        return NodeRef(self.service, self.node)


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a post, as the entry claims and as the network confirms.

    ``verified`` is True only when the entry's ``xmpp:`` author URI names the
    item's publisher (XEP-0277 §9.1; on a PEP blog without a publisher
    attribute, the blog's owner). ``jid`` is who to show, already decided by
    the parser: the claimed JID when verified or for a repeat (``rel='via'``,
    the original author), otherwise the publisher (or, when no publisher is known,
    the unverifiable claim). A claim that does not match a known publisher
    is never shown: its name is dropped and only ``uri`` still records it.
    """

    name: str = ""
    jid: str | None = None
    uri: str | None = None
    verified: bool = False

    @property
    def display(self) -> str:
        return self.name or self.jid or "unknown"


@dataclass(frozen=True, slots=True)
class Link:
    """An Atom link: alternate, related, enclosure, via, or anything else."""

    href: str
    rel: str = "alternate"
    type: str | None = None
    title: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class InReplyTo:
    """An RFC 4685 ``thr:in-reply-to``: a reply or a Movim-style share."""

    ref: str | None
    href: str | None
    target: PostRef | None = None


class ContentType(enum.Enum):
    """The form a post body arrived in, best first."""

    XHTML = "xhtml"
    HTML = "html"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Post:
    """One microblog entry as read from (or written to) a PubSub node.

    ``body`` holds the markup-bearing form (serialised XHTML ``<div>`` or HTML)
    when ``body_type`` is XHTML/HTML, else plain text. ``text`` is always a
    plain-text version, used for search and previews. ``raw`` keeps the entry
    XML exactly as received so that a later parser can re-read stored posts.

    ``date_known`` is False when the entry carried no usable date (missing, garbage,
    out of range, or far in the future): the post is still shown, ordered by when it
    arrived (``published`` and ``updated`` then hold that arrival time), and every view
    says "date unknown" instead of showing the arrival time as if it were the date.
    """

    service: str
    node: str
    item_id: str
    title: str
    published: datetime
    updated: datetime
    author: Author = field(default_factory=Author)
    body: str = ""
    body_type: ContentType = ContentType.TEXT
    text: str = ""
    title_derived: bool = False
    atom_id: str = ""
    publisher: str | None = None
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    enclosures: tuple[Link, ...] = ()
    in_reply_to: tuple[InReplyTo, ...] = ()
    via: tuple[Link, ...] = ()
    comments: NodeRef | None = None
    lang: str | None = None
    raw: str = ""
    date_known: bool = True

    @property
    def ref(self) -> PostRef:
        return PostRef(self.service, self.node, self.item_id)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.node, self.item_id)

    @property
    def edited(self) -> bool:
        return self.updated > self.published

    @property
    def is_comment(self) -> bool:
        return self.node.startswith(COMMENTS_NODE_PREFIX)

    @property
    def is_like(self) -> bool:
        """Movim's like: a comment whose title is the heart (with or without U+FE0F)."""
        heart = LIKE_MARK + "\ufe0f \n"
        return (self.is_comment and self.title.strip(heart) == "" and LIKE_MARK in self.title
                and not self.text.strip(heart))

    @property
    def is_repeat(self) -> bool:
        return bool(self.via)


class ConnectionState(enum.Enum):
    """What the status line says about an account's connection."""

    OFFLINE = "offline"
    CONNECTING = "connecting"
    ONLINE = "online"
    AUTH_FAILED = "auth failed"
    CERT_REJECTED = "certificate rejected"
    UNREACHABLE = "unreachable"


class Audience(enum.Enum):
    """Who may read a blog: PubSub access models, named for people."""

    PUBLIC = "open"
    CONTACTS = "presence"
    WHITELIST = "whitelist"
    ROSTER = "roster"
    AUTHORIZE = "authorize"
