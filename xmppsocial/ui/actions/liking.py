"""Liking and taking a like back (l toggles), kept in the cache as what was published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xmppsocial.store.likes import like_state, record_like, record_unlike

if TYPE_CHECKING:
    from xmppsocial.model import Post
    from xmppsocial.ui.app import XmppSocialApp


def like(app: XmppSocialApp) -> None:
    """Like the post under the cursor, or take my like back if I liked it."""
    post = app.current_post()
    if post is None:
        return
    if like_state(app.store, post, app.me).mine:
        app.background(_unlike(app, post), "like")
    else:
        app.background(_like(app, post), "like")


async def _like(app: XmppSocialApp, post: Post) -> None:
    from xmppsocial.content.compose import like_comment
    from xmppsocial.xmpp.iq import ServiceError
    from xmppsocial.xmpp.outbox import like_or_queue

    service = app.need_service()
    if service is None:
        return
    # Movim's "♥" comment, used only where the post takes no XEP-0470 like.
    heart = like_comment(post, service=app.me, author_name=app.me.split("@", 1)[0]) \
        if post.comments is not None else None
    try:
        how = await like_or_queue(service, app.store, post, heart)  # type: ignore[arg-type]
    except ServiceError as exc:
        if exc.transient:
            raise
        app.notify(f"Not liked: {exc.message}.", title="Refused", severity="error")
        return
    if how is None:
        app.notify("Offline: the like is queued and will be sent when back online.")
        return
    record_like(app.store, post, app.me, how, heart)
    app.post_changed(post)
    app.notify("Liked.")


async def _unlike(app: XmppSocialApp, post: Post) -> None:
    from xmppsocial.xmpp.iq import ServiceError

    service = app.need_service()
    if service is None:
        return
    if app.offline:
        app.notify("Offline: a like can be taken back once connected.", severity="warning")
        return
    try:
        undone = await service.unlike(post)  # type: ignore[attr-defined]
    except ServiceError as exc:
        if exc.has("forbidden"):
            app.notify("This server lets only the post's owner delete your ♥ comment, so "
                       "the like stays.", title="Like kept", severity="warning", timeout=10)
            return
        raise
    record_unlike(app.store, post, app.me, undone)
    app.post_changed(post)
    app.notify("Like taken back." if undone else "You had not liked this post.")
