"""Following, and opening a blog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xmppsocial.model import MICROBLOG_NODE, NodeRef

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp


def follow(app: XmppSocialApp) -> None:
    post = app.current_post()
    node = app.blog_in_view()
    if node is None and post is not None:
        node = NodeRef(post.service, post.node)
    if node is None:
        return
    if node.service == app.me:
        app.notify("That is your own blog.")
        return
    feed = app.store.feed(node)
    toggle_follow(app, node, not (feed is not None and feed.followed))


def toggle_follow(app: XmppSocialApp, node: NodeRef, follow: bool) -> None:
    app.background(_toggle_follow(app, node, follow), "follow")


async def _toggle_follow(app: XmppSocialApp, node: NodeRef, follow: bool) -> None:
    from xmppsocial.xmpp.catchup import catch_up

    service = app.need_service()
    if service is None:
        return
    if follow:
        await service.follow(node)
        app.store.set_followed(node, True)
        app.take([await catch_up(service, app.store.history, node)])  # type: ignore[arg-type]
    else:
        await service.unfollow(node)
        app.store.set_followed(node, False)
        app.refresh_views()
    app.notify(f"{'Following' if follow else 'Stopped following'} {node.service}.")
    from xmppsocial.ui.screens.blog import BlogScreen
    from xmppsocial.ui.screens.blog_list import BlogListScreen

    for screen in app.screen_stack:
        if isinstance(screen, BlogScreen) and screen.info.node == node:
            screen.set_followed(follow)
        elif isinstance(screen, BlogListScreen):
            screen.follows_changed(app.store.follows())


def blog(app: XmppSocialApp) -> None:
    """The blog of the post under the cursor (its own blog for a comment's author)."""
    from xmppsocial.ui.actions.finding import open_blog

    post = app.current_post()
    if post is None:
        return
    node = NodeRef(post.service, post.node if not post.is_comment else MICROBLOG_NODE)
    owner = post.author.name if post.author.jid == node.service else ""
    open_blog(app, node, f"{owner}'s blog" if owner else "")
