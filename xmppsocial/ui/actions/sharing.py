"""Repeating (sharing) a post on my blog, in the form both Movim and Libervia show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xmppsocial.model import NodeRef

if TYPE_CHECKING:
    from xmppsocial.model import Post
    from xmppsocial.ui.app import XmppSocialApp


def repeat(app: XmppSocialApp) -> None:
    """Ask, then repeat the post under the cursor on my blog."""
    from xmppsocial.content.sanitize import clean_line
    from xmppsocial.ui.screens.confirm import ConfirmScreen

    post = app.current_post()
    if post is None:
        return
    if post.is_comment:
        app.notify("A comment cannot be repeated; repeat the post it answers.")
        return
    if post.service.lower() == app.me.lower() and not post.is_repeat:
        app.notify("That is your own post: it is on your blog already.")
        return

    def answered(yes: bool | None) -> None:
        if yes:
            app.background(_repeat(app, post), "repeat")

    app.push_screen(ConfirmScreen(f"Repeat “{clean_line(post.title, 60)}” by "
                                  f"{clean_line(post.author.display, 40)} on your blog?"),
                    answered)


async def _repeat(app: XmppSocialApp, original: Post) -> None:
    from xmppsocial.content.compose import repeat as build
    from xmppsocial.events import PostsReceived
    from xmppsocial.xmpp.iq import ServiceError
    from xmppsocial.xmpp.outbox import publish_or_queue

    service = app.need_service()
    if service is None:
        return
    boost = build(original, service=app.me)
    try:
        item = await publish_or_queue(service, app.store, boost)  # type: ignore[arg-type]
    except ServiceError as exc:
        if exc.transient:
            raise
        app.notify(f"Not repeated: {exc.message}.", title="Refused", severity="error")
        return
    app.store.set_feed(NodeRef(app.me), own=True)
    app.take([PostsReceived((boost,), live=False)])
    app.notify("Repeated on your blog." if item else
               "Offline: the repeat is queued and will be sent when back online.")
