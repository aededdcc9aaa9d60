"""What the network layer tells the rest of the program, as plain values.

The service hands these to a sink callable; the UI turns them into Textual
messages, the CLI prints them, tests collect them in a list.
"""

from __future__ import annotations

from dataclasses import dataclass

from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """The account's connection moved to ``state``; ``reason`` says why, for people."""

    state: ConnectionState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PostsReceived:
    """New or edited posts, from a push (``live``) or a fetch/resync."""

    posts: tuple[Post, ...]
    live: bool = True


@dataclass(frozen=True, slots=True)
class PostsRetracted:
    """Items removed from their node by their publisher or the node owner."""

    refs: tuple[PostRef, ...]


@dataclass(frozen=True, slots=True)
class NodePurged:
    """Every item of a node was removed (or the node itself deleted)."""

    node: NodeRef
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class SubscriptionChanged:
    """A subscription to ``node`` changed: ours (approved, cancelled) or a follower's.

    ``jid`` is whose subscription it is; ``state`` is the PubSub value
    (subscribed, pending, unconfigured, none).
    """

    node: NodeRef
    jid: str
    state: str


@dataclass(frozen=True, slots=True)
class EntryRejected:
    """A pushed item could not be read; kept for the log, never shown as a post."""

    ref: PostRef
    reason: str


@dataclass(frozen=True, slots=True)
class FollowsSynced:
    """The cache's follows and the account's follow lists were merged (after connecting).

    ``added``/``removed``: follows made or ended elsewhere (another client, another
    cache), now applied here; ``written``: follows made here that the account now holds;
    ``problems``: what could not be done, in a person's words.
    """

    added: tuple[NodeRef, ...] = ()
    removed: tuple[NodeRef, ...] = ()
    written: tuple[NodeRef, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FollowersListed:
    """Who follows ``node`` (ours), as the server listed it; ``supported`` is False where
    the server cannot list followers (ejabberd 23.01 PEP), ``reason`` says so for people."""

    node: NodeRef
    followers: tuple[str, ...] = ()
    supported: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReconnectScheduled:
    """The connection is down and the next attempt is due at ``at`` (``time.time()``),
    for a countdown; ``reason`` says what ended the last one. XmppService.retry_now()
    tries at once."""

    at: float
    attempt: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PublicFollowsReceived:
    """Items of a contact's public follow list (``urn:xmpp:pubsub:subscription``) as
    (item id, followed node); ``complete`` when the whole list was read, not pushed."""

    owner: str
    follows: tuple[tuple[str, NodeRef], ...] = ()
    retracted: tuple[str, ...] = ()
    complete: bool = False


@dataclass(frozen=True, slots=True)
class AttachmentsReceived:
    """XEP-0470 attachments of a post: who likes it (``noticed``), who took it back;
    ``live`` for a push, False for a fetch (then ``likers`` is everyone)."""

    target: PostRef
    likers: tuple[str, ...] = ()
    unliked: tuple[str, ...] = ()
    live: bool = True


@dataclass(frozen=True, slots=True)
class HistoryFetched:
    """Posts read back through a blog's history, and where that reading now stands.

    ``kind`` is "first" (the newest posts of a blog the cache held nothing of: where its
    history starts), "top" (from the newest post down to what the cache held, after
    connecting: the catch-up), "older" (past the oldest post read so far, the frontier)
    or "hole" (into the gap ``hole`` left by an earlier catch-up). ``cursor`` (the network layer's, as text) reads
    on below the oldest of ``posts``; None means there is nothing older. ``joined`` says
    the pages reached posts the cache already held, so no gap is left above them.
    """

    node: NodeRef
    posts: tuple[Post, ...]
    kind: str
    cursor: str | None
    joined: bool = False
    hole: int | None = None
    missing: int | None = None




@dataclass(frozen=True, slots=True)
class SessionStep:
    """Connected, and busy with one of the after-connect steps ("catching up",
    "sending the outbox"); ``name`` is "" once they are all done."""

    name: str


@dataclass(frozen=True, slots=True)
class OutboxFailed:
    """A queued publish, comment, like or retract will not go by itself: the server
    refused it, or the connection died each time it was sent. It stays in the outbox,
    marked failed, to be retried, edited or discarded."""

    outbox_id: int
    kind: str
    item_id: str
    reason: str


ServiceEvent = (ConnectionChanged | PostsReceived | PostsRetracted | NodePurged
                | SubscriptionChanged | EntryRejected | FollowsSynced | FollowersListed
                | PublicFollowsReceived | AttachmentsReceived | HistoryFetched
                | ReconnectScheduled | SessionStep | OutboxFailed)
