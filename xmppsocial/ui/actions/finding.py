"""Finding blogs: open one by JID or xmpp: URI, and the lists to browse and follow from
(blogs I follow, my followers, my contacts' blogs, a pubsub service's feeds)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from xmppsocial import directory
from xmppsocial.blog_address import HINT, AddressError, BlogAddress, parse_blog_address
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp
    from xmppsocial.ui.service_api import SocialService

ONLINE_WAIT = 30.0  # how long a blog opened at start waits for the connection


def open_address(app: XmppSocialApp) -> None:
    """Ask for a JID or xmpp: URI and open it."""
    from xmppsocial.ui.screens.prompt import PromptScreen

    def opened(text: str | None) -> None:
        if text:
            open_text(app, text)

    app.push_screen(PromptScreen("Open a blog: a JID or an xmpp: URI", HINT[0].upper() + HINT[1:],
                                 placeholder="alice@example.org"), opened)


def open_text(app: XmppSocialApp, text: str) -> None:
    try:
        address = parse_blog_address(text)
    except AddressError as exc:
        app.notify(str(exc)[:1].upper() + str(exc)[1:], severity="warning", timeout=8)
        return
    open_target(app, address)


def open_target(app: XmppSocialApp, address: BlogAddress) -> None:
    """A blog (at one post when the URI names one), or a service's feeds to browse."""
    if address.blog is None:
        service_feeds(app, address.service)
        return
    open_blog(app, address.blog, at=address.post)
    if address.follow:
        app.notify(f"Press f to follow {address.service}.", title="Follow?")


def open_blog(app: XmppSocialApp, node: NodeRef, title: str = "",
              at: PostRef | None = None) -> None:
    """Push the blog's view with what the cache holds, then read it from the network."""
    from xmppsocial.ui.screens.blog import BlogInfo, BlogScreen

    feed = app.store.feed(node)
    title = (feed.title if feed is not None and feed.title else "") or title \
        or default_title(node)
    own = node == NodeRef(app.me.lower()) if app.me else False
    info = BlogInfo(node, title, feed.access_model if feed else "", None,
                    bool(feed and feed.followed), own)
    count = (lambda n: count_followers(app, n)) if own else None
    screen = BlogScreen(info, count, at=at)
    app.push_screen(screen)
    app.background(_read(app, node, at), "open-blog")


def default_title(node: NodeRef) -> str:
    if node.node == MICROBLOG_NODE:
        return f"{node.service}'s blog"
    return f"{node.node} on {node.service}"


async def _read(app: XmppSocialApp, node: NodeRef, at: PostRef | None) -> None:
    from xmppsocial.xmpp.catchup import catch_up
    from xmppsocial.xmpp.iq import ServiceError

    service = await online(app)
    if service is None:
        app.notify(f"Offline: showing what the cache holds of {node.service}.",
                   severity="warning")
        return
    try:
        event = await catch_up(service, app.store.history, node)  # type: ignore[arg-type]
    except ServiceError as exc:
        app.notify(f"{node.service}: {exc}", title="Cannot read this blog", severity="error",
                   timeout=10)
        return
    app.take([event])
    if at is not None and app.store.get_post(at) is None:
        post = await service.fetch_post(at)
        if post is not None:
            from xmppsocial.events import PostsReceived

            app.take([PostsReceived((post,), live=False)])
    if at is not None:
        from xmppsocial.ui.screens.blog import BlogScreen

        for screen in app.screen_stack:
            if isinstance(screen, BlogScreen) and screen.info.node == node:
                screen.go_to(at)


async def online(app: XmppSocialApp, wait: float = ONLINE_WAIT) -> SocialService | None:
    """The service once online (a blog opened at start waits for the connection)."""
    deadline = asyncio.get_running_loop().time() + wait
    while app.offline:
        if app.service is None or asyncio.get_running_loop().time() > deadline:
            return None
        await asyncio.sleep(0.2)
    return app.service


async def count_followers(app: XmppSocialApp, node: NodeRef) -> int | None:
    """Who follows my blog: the server's list where it gives one, else the followers the
    cache knows (from contacts' public follow lists); None when nothing can be known."""
    from xmppsocial.xmpp.iq import ServiceError

    known = len(app.store.followers(node))
    service = app.service
    if service is None or app.offline:
        return known or None
    try:
        listed = await service.subscribers(node)
    except ServiceError:
        return known or None
    return len({j for j in listed if j.lower() != app.me.lower()})


# ---------------------------------------------------------------------- lists
def following(app: XmppSocialApp) -> None:
    _list(app, directory.following(app.store))


def followers(app: XmppSocialApp) -> None:
    _list(app, directory.followers(app.store, app.me))


def contacts(app: XmppSocialApp) -> None:
    async def load() -> directory.Listing:
        service = await _need_online(app, "your contacts' blogs")
        found = await service.contacts_blogs()  # type: ignore[attr-defined]
        return directory.feeds("Your contacts' blogs", found, app.store.follows(),
                               "None of your contacts has a blog you can read.")

    _list(app, None, load, "Looking for your contacts' blogs…")


def pubsub(app: XmppSocialApp) -> None:
    """Ask for a pubsub service (the server's own offered), then list its feeds."""
    from xmppsocial.ui.screens.prompt import PromptScreen

    async def ask() -> None:
        suggested = ""
        service = app.service
        if service is not None and not app.offline:
            try:
                found = await service.pubsub_services()  # type: ignore[attr-defined]
                suggested = next((s for s in found if not s.startswith("comments.")),
                                 found[0] if found else "")
            except Exception:  # noqa: BLE001 - only a suggestion
                suggested = ""

        def chosen(text: str | None) -> None:
            if text:
                service_feeds(app, text)

        app.push_screen(PromptScreen("Browse the feeds of which pubsub service?",
                                     "A service address, like pubsub.example.org",
                                     value=suggested), chosen)

    app.background(ask(), "pubsub-prompt")


def service_feeds(app: XmppSocialApp, address: str) -> None:
    jid = address.strip().lower()
    if jid.startswith("xmpp:"):
        jid = jid[5:].split("?", 1)[0]

    async def load() -> directory.Listing:
        service = await _need_online(app, f"the feeds of {jid}")
        found = await service.service_feeds(jid)  # type: ignore[attr-defined]
        return directory.feeds(f"Feeds on {jid}", found, app.store.follows(),
                               f"{jid} lists no feeds you can read.")

    _list(app, None, load, f"Asking {jid} for its feeds…")


async def _need_online(app: XmppSocialApp, what: str) -> SocialService:
    service = await online(app, 10.0)
    if service is None:
        raise RuntimeError(f"offline: {what} can only be read from the network")
    return service


def _list(app: XmppSocialApp, listing: directory.Listing | None, load=None,  # type: ignore[no-untyped-def]
          waiting: str = "") -> None:
    from xmppsocial.ui.screens.blog_list import BlogListScreen

    app.push_screen(BlogListScreen(listing, load, waiting or "Looking…"))


def open_notification(app: XmppSocialApp, note) -> None:  # type: ignore[no-untyped-def]
    """What a notification is about: my post (at the comment, like or reply), or the blog of
    a new follower. It is read once opened."""
    if note.id is not None:
        app.store.mark_notifications_read([note.id])
        app._refresh_status()
    ref = note.jump_to
    if ref is None:
        open_blog(app, NodeRef(note.actor.lower()))
        return
    node = NodeRef(ref.service, ref.node)
    open_blog(app, node, at=ref)


# ---------------------------------------------------------------------- accounts
def switch_account(app: XmppSocialApp) -> None:
    """Offer the other accounts of config.toml; the app then starts again as that one."""
    from xmppsocial.config import ConfigError, load_config
    from xmppsocial.ui.screens.links import LinkPicker

    try:
        accounts = [a.jid for a in load_config().accounts]
    except ConfigError as exc:
        app.notify(str(exc), severity="error")
        return
    others = [jid for jid in accounts if jid.lower() != app.me.lower()]
    if not others:
        app.notify("Only one account is configured: add another [[account]] to config.toml "
                   "to switch between them.")
        return

    def chosen(jid: str | None) -> None:
        if jid:
            app.switch_to = jid
            app.exit()

    app.push_screen(LinkPicker([(f"{n + 1}", jid) for n, jid in enumerate(others)],
                               "Switch to which account?"), chosen)
