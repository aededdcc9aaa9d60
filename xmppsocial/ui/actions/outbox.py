"""The outbox from the TUI: retry a failed item, edit one before it goes, discard one.

A failed item never holds up the others (xmpp/outbox.py skips it); these are the ways
out of "failed". Editing sends under the same item id, so the edited text replaces the
queued one, here and on the server, rather than adding a second post.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from xmppsocial.model import ConnectionState, PostRef
from xmppsocial.outbox_lines import describe
from xmppsocial.store.outbox import OutboxItem

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp


def open_outbox(app: XmppSocialApp) -> None:
    from xmppsocial.ui.screens.outbox import OutboxScreen

    app.push_screen(OutboxScreen(app.store.outbox, lambda what, item: act(app, what, item)))


def act(app: XmppSocialApp, what: str, item: OutboxItem) -> None:
    if not getattr(app.store, "writer", True):
        app.notify("This cache is read-only: its outbox belongs to the other xmppsocial.",
                   severity="warning")
        return
    {"retry": retry, "edit": edit, "discard": discard}[what](app, item)


def retry(app: XmppSocialApp, item: OutboxItem) -> None:
    app.store.retry(item.id)
    if can_send(app):
        app.notify(f"Sending the {describe(item).what} again.")
        app.background(send_outbox(app), "outbox")
    else:
        app.notify("Queued, will send when online.")
    app._refresh_status()


def discard(app: XmppSocialApp, item: OutboxItem) -> None:
    from xmppsocial.events import PostsRetracted

    line = describe(item)
    app.store.discard(item.id)
    if item.action in ("publish", "comment") and line.what != "edit":
        # Never delivered: the copy shown here since it was written goes too.
        app.take([PostsRetracted((PostRef(item.node.service, item.node.node, item.item_id),))])
    note = " (the post stays on the server)" if item.action == "retract" else ""
    app.notify(f"Discarded the {line.what}{note}.")
    app._refresh_status()


def edit(app: XmppSocialApp, item: OutboxItem) -> None:
    """The composer with the item's text; sending replaces the queued item."""
    from xmppsocial.content.compose import edit_source
    from xmppsocial.content.microblog import EntryError, parse_entry
    from xmppsocial.ui.screens.compose import ComposeRequest, ComposeScreen

    line = describe(item)
    if not line.editable:
        app.notify(f"A {line.what} has no text to edit: retry or discard it.")
        return
    try:
        post = parse_entry(item.payload, item.node.service, item.node.node, item.item_id)
    except EntryError as exc:
        app.notify(f"This item cannot be read back ({exc}): discard it.", severity="error")
        return
    kind = "reply" if item.action == "comment" else "new"
    request = ComposeRequest(kind, f"outbox:{item.id}", f"Edit the queued {line.what}",
                             "" if post.title_derived else post.title, edit_source(post),
                             post.tags, str(item.options.get("access") or "open"))

    def done(composed) -> None:  # type: ignore[no-untyped-def]
        if composed is not None:
            replace_item(app, item, post, composed)

    app.push_screen(ComposeScreen(request, None, editor=app.preferences.editor), done)


def replace_item(app: XmppSocialApp, item: OutboxItem, post, composed) -> None:  # type: ignore[no-untyped-def]
    from xmppsocial.content.compose import edited
    from xmppsocial.content.entry_writer import build_entry
    from xmppsocial.events import PostsReceived

    if app.store.outbox_item(item.id) is None:
        app.notify("That item was sent or discarded meanwhile; the edit was not used.",
                   severity="warning")
        return
    new = edited(post, markdown=composed.body, title=composed.title,
                 tags=composed.tags if item.action != "comment" else None)
    # Same kind, node and item id: the queued payload is replaced and pending again.
    app.store.enqueue(item.kind, item.node, item.item_id,
                      ET.tostring(build_entry(new), encoding="unicode"), options=item.options)
    app.take([PostsReceived((new,), live=False)])
    if can_send(app):
        app.background(send_outbox(app), "outbox")
        app.notify("Edited; sending it now.")
    else:
        app.notify("Edited; queued, will send when online.")


def can_send(app: XmppSocialApp) -> bool:
    """Online with the after-connect steps done (the outbox step sends what is pending
    then, and two senders at once could send an item twice)."""
    service = app.service
    return (service is not None and service.state is ConnectionState.ONLINE
            and getattr(service.phase, "value", "online") == "online")


async def send_outbox(app: XmppSocialApp) -> None:
    from xmppsocial.xmpp.outbox import flush_outbox

    if getattr(app, "_outbox_sending", False) or app.service is None:
        return
    app._outbox_sending = True  # type: ignore[attr-defined]
    try:
        sent = await flush_outbox(app.service, app.store)  # type: ignore[arg-type]
    finally:
        app._outbox_sending = False  # type: ignore[attr-defined]
    if sent:
        app.notify(f"Sent {sent} from the outbox.")
    app._refresh_status()
