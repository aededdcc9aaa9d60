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
class ReconnectScheduled:
    """The connection is down and the next attempt is due at ``at`` (``time.time()``),
    for a countdown; ``reason`` says what ended the last one. XmppService.retry_now()
    tries at once."""

    at: float
    attempt: int
    reason: str = ""


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
                | SubscriptionChanged | EntryRejected | ReconnectScheduled | SessionStep
                | OutboxFailed)
