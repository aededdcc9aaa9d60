"""Who may read my blog: a setting of the blog (every post follows it), changed from the
own-blog view or chosen on the first-run screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xmppsocial.model import NodeRef

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp

WORDS = {"open": "public: anyone may read it", "presence": "contacts only"}


def change_audience(app: XmppSocialApp, node: NodeRef, access: str) -> None:
    app.background(_change(app, node, access), "audience")


async def _change(app: XmppSocialApp, node: NodeRef, access: str) -> None:
    from xmppsocial.ui.actions.finding import online
    from xmppsocial.ui.screens.blog import BlogScreen
    from xmppsocial.xmpp.iq import ServiceError

    service = await online(app, 10.0)
    if service is None:
        app.notify("Offline: your blog's audience can be changed once connected.",
                   severity="warning")
        return
    try:
        changed = await service.set_audience(access, node)  # type: ignore[attr-defined]
    except ServiceError as exc:
        app.notify(f"Your blog's audience was not changed: {exc.message}.",
                   title="Refused", severity="error", timeout=10)
        return
    app.store.set_feed(node, own=True, access_model=access)
    for screen in app.screen_stack:
        if isinstance(screen, BlogScreen) and screen.info.node == node:
            screen.set_audience(access)
    likes = f" (and the likes of {changed} post{'s' * (changed != 1)})" if changed else ""
    app.notify(f"Your blog is now {WORDS.get(access, access)}{likes}.")
    app.refresh_views()


async def learn_audience(app: XmppSocialApp, node: NodeRef) -> str | None:
    """The blog's audience as the server has it (the cache may not know it yet)."""
    from xmppsocial.ui.actions.finding import online
    from xmppsocial.xmpp.iq import ServiceError

    service = await online(app, 10.0)
    if service is None:
        return None
    try:
        access = await service.access_model(node)
    except ServiceError:
        return None  # no blog yet: it is made with the first post, or the first-run choice
    app.store.set_feed(node, own=True, access_model=access)
    return access


async def first_audience(app: XmppSocialApp, access: str) -> None:
    """The audience chosen on the first-run screen, for a blog that does not exist yet. An
    existing blog keeps its own: the account is the truth (this may be a new machine)."""
    from xmppsocial.ui.actions.finding import online
    from xmppsocial.xmpp.iq import ServiceError

    service = await online(app, 60.0)
    if service is None:
        return
    node = NodeRef(app.me)
    try:
        current = await service.access_model(node)
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            raise
        current = ""
    if current:
        app.store.set_feed(node, own=True, access_model=current)
        if current != access:
            app.notify(f"Your blog already exists and stays {WORDS.get(current, current)}; "
                       "change it in your blog's view.")
        return
    await _change(app, node, access)
