"""Publishing when possible, queueing when the network fails, never queueing a refusal.

The outbox holds work the network could not take yet: posts, edits, comments, likes and
retracts, each with its item id so that sending it again replaces rather than
duplicates. A refusal (the server will not take it, however often it is sent) is
raised as Refused and never queued; the caller keeps the text as a draft. Sending the
outbox goes oldest first; an item the server refuses, or one whose sending killed the
connection each time, is marked failed with its reason and skipped, so it never
blocks the items behind it or the connection.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from xmppsocial.events import OutboxFailed
from xmppsocial.model import MICROBLOG_NODE, ConnectionState, Post, PostRef
from xmppsocial.xmpp.iq import ServiceError
from xmppsocial.xmpp.refusals import Refused, refusal

if TYPE_CHECKING:
    from xmppsocial.xmpp.service import XmppService

log = logging.getLogger(__name__)

# An item sent this many times without an answer is taken for what kills the connection.
POISON_ATTEMPTS = 3


class Outbox(Protocol):
    """What the service needs from the store's outbox (xmppsocial.store.Store has it)."""

    def pending(self) -> list[Any]: ...

    def sent(self, outbox_id: int) -> None: ...

    def sending(self, outbox_id: int) -> None: ...

    def note_error(self, outbox_id: int, error: str) -> None: ...

    def mark_failed(self, outbox_id: int, reason: str) -> None: ...

    def update_outbox(self, outbox_id: int, payload: str, options: dict[str, object]) -> None: ...

    def enqueue(self, kind: str, node: Any, item_id: str, payload: str = "", *,
                options: dict[str, object] | None = None) -> int: ...


def reply_key(parent: PostRef) -> str:
    """The draft key of a comment or reply to ``parent`` (the TUI composer's key)."""
    return f"reply:{parent.service}:{parent.node}:{parent.item}"


def draft_key_for(post: Post, parent: PostRef | None = None) -> str:
    """The key the composer opens this text by: "new", "edit:ITEM" or a reply key."""
    if parent is not None:
        return reply_key(parent)
    target = next((r.target for r in post.in_reply_to if r.target is not None), None)
    if target is not None and not post.edited:
        return reply_key(target)
    return f"edit:{post.item_id}" if post.edited else "new"


def _entry(post: Post) -> ET.Element:
    from xmppsocial.content.entry_writer import build_entry

    return build_entry(post)


def _online(service: XmppService) -> bool:
    return service.state is ConnectionState.ONLINE


def _wants_comments(service: XmppService, post: Post) -> bool:
    """A new post of ours on our blog gets a comments node (when it is delivered)."""
    return (post.comments is None and not post.edited and not post.is_comment
            and post.node == MICROBLOG_NODE and post.service == service.jid)


async def publish_or_queue(service: XmppService, outbox: Outbox, post: Post,
                           access: str | None = None, *, draft_key: str | None = None) -> str | None:
    """Publish now, or keep the post in the outbox when the network fails; returns the
    item id once published, None when queued. The item id makes a later resend replace,
    not duplicate.

    Raises:
        Refused: the server will not take it (too big, not allowed, the blog's settings
            differ…): nothing was queued.
    """
    if _online(service):
        try:
            return await service.publish_post(post, access)
        except ServiceError as exc:
            if not exc.transient:
                raise refusal(exc, _entry(post)) from None
            log.info("publishing %s failed (%s): queued", post.item_id, exc.condition)
    options: dict[str, object] = {"draft": draft_key or draft_key_for(post)}
    if access:
        options["access"] = access
    if _wants_comments(service, post):
        options["comments"] = True
    outbox.enqueue("publish", post.ref.node_ref, post.item_id,
                   ET.tostring(_entry(post), encoding="unicode"), options=options)
    return None


async def comment_or_queue(service: XmppService, outbox: Outbox, comment: Post,
                           parent: PostRef, *, draft_key: str | None = None) -> str | None:
    """Publish a comment now, or queue it when the network fails (see publish_or_queue)."""
    if _online(service):
        try:
            return await service.publish_comment(comment)
        except ServiceError as exc:
            if not exc.transient:
                raise refusal(exc, _entry(comment)) from None
    outbox.enqueue("comment", comment.ref.node_ref, comment.item_id,
                   ET.tostring(_entry(comment), encoding="unicode"),
                   options={"draft": draft_key or reply_key(parent)})
    return None


async def like_or_queue(service: XmppService, outbox: Outbox, post: Post,
                        heart: Post | None) -> str | None:
    """Like now (returns how: "attachment" or "comment"), or queue the like when the
    network fails; the post's own entry rides along, to like it the same way later."""
    if _online(service):
        try:
            return await service.like(post, heart)
        except ServiceError as exc:
            if not exc.transient:
                raise refusal(exc) from None
    options: dict[str, object] = {"parent": ET.tostring(_entry(post), encoding="unicode")
                                  if not post.raw else post.raw}
    if post.publisher:
        options["publisher"] = post.publisher
    if heart is not None:
        options["heart"] = heart.item_id
    outbox.enqueue("like", post.ref.node_ref, post.item_id,
                   ET.tostring(_entry(heart), encoding="unicode") if heart else "",
                   options=options)
    return None


async def flush_outbox(service: XmppService, outbox: Outbox) -> int:
    """Send what waited in the outbox, oldest first; each item once. Returns how many went.

    Stops, without blaming the item, when the connection is gone before it is sent.
    """
    if not getattr(outbox, "writer", True):
        return 0  # a second instance's copy: the outbox belongs to the first one
    sent = 0
    for item in outbox.pending():
        if not _online(service) or not service.client.is_connected():
            break
        if item.attempts >= POISON_ATTEMPTS:
            # Sent that often and never answered: it is what kills the connection.
            _failed(service, outbox, item, f"the connection was lost each of the "
                    f"{item.attempts} times it was sent ({item.last_error or 'no answer'})")
            continue
        outbox.sending(item.id)
        try:
            await _send(service, outbox, item)
        except ServiceError as exc:
            if exc.transient:
                # The connection is likely gone with it; the items behind wait for the
                # next one.
                outbox.note_error(item.id, exc.message)
                break
            if item.action == "retract" and exc.has("item-not-found"):
                outbox.sent(item.id)  # already gone: what the retract was for
                continue
            _failed(service, outbox, item, refusal(exc, _payload(item)).message)
            continue
        outbox.sent(item.id)
        sent += 1
    if sent:
        log.info("sent %d item(s) from the outbox", sent)
    return sent


def _failed(service: XmppService, outbox: Outbox, item: Any, reason: str) -> None:
    log.warning("outbox item %s (%s %s) failed: %s", item.id, item.action, item.item_id, reason)
    outbox.mark_failed(item.id, reason)
    service.sink(OutboxFailed(item.id, item.action, item.item_id, reason))


def _payload(item: Any) -> ET.Element | None:
    return ET.fromstring(item.payload) if item.payload else None


async def _send(service: XmppService, outbox: Outbox, item: Any) -> None:
    from xmppsocial.content.entry_writer import build_entry
    from xmppsocial.content.microblog import parse_entry

    node = item.node
    if item.action == "retract":
        await service.retract(PostRef(node.service, node.node, item.item_id))
        return
    if item.action == "like":
        parent = parse_entry(str(item.options.get("parent", "")), node.service, node.node,
                             item.item_id, publisher=item.options.get("publisher"))
        heart = None
        if item.payload and parent.comments is not None:
            heart = parse_entry(item.payload, parent.comments.service, parent.comments.node,
                                str(item.options.get("heart", "")))
        await service.like(parent, heart)
        return
    payload = item.payload
    if item.action == "publish" and item.options.get("comments"):
        # Made now, at delivery, and written back at once: a second attempt must not
        # make a second node (the server would refuse it as a conflict).
        post = parse_entry(payload, node.service, node.node, item.item_id)
        comments = await service.create_comments_node(item.item_id)
        payload = ET.tostring(build_entry(replace(post, comments=comments)), encoding="unicode")
        options = {k: v for k, v in item.options.items() if k != "comments"}
        outbox.update_outbox(item.id, payload, options)
    await service.publish_entry(node, item.item_id, ET.fromstring(payload), item.access)


__all__ = ["Outbox", "Refused", "comment_or_queue", "draft_key_for", "flush_outbox",
           "like_or_queue", "publish_or_queue", "reply_key"]
