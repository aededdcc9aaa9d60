"""Writing: new posts, replies, edits, deletions, and the drafts they leave.

Network work runs in workers; a failure reaches the app's one error handler and
the text stays a draft until the server has it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from xmppsocial.drafts import DraftTarget, draft_target
from xmppsocial.model import NodeRef, Post

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp
    from xmppsocial.ui.screens.compose import Composed, ComposeRequest
    from xmppsocial.ui.service_api import SocialService


def open_composer(app: XmppSocialApp, request: ComposeRequest, done) -> None:  # type: ignore[no-untyped-def]
    """The composer for ``request``, filled with its draft if one was kept."""
    # The composer and Markdown are loaded when first needed, not at start-up.
    from xmppsocial.ui.screens.compose import ComposeScreen

    own = app.store.feed(NodeRef(app.me)) if app.me else None
    request = replace(request, audience=own.access_model if own else "")
    draft = app.store.draft(request.key)
    if draft is not None and (draft.body or draft.title):
        request = replace(request, title=draft.title, body=draft.body, tags=draft.tags,
                          target=draft_target_of(draft.audience))

    def save(key: str, composed: Composed) -> None:
        app.store.save_draft(key, title=composed.title, body=composed.body,
                             tags=composed.tags,
                             audience=f"{TARGET}{composed.target}" if composed.target else "")

    app.push_screen(ComposeScreen(request, save, editor=app.preferences.editor), done)


# A draft's audience column once held a per-post audience ("open", "presence"); it now
# keeps where the post goes when that is not my blog, marked so the two never mix.
TARGET = "target:"


def draft_target_of(kept: str) -> str:
    return kept[len(TARGET):] if kept.startswith(TARGET) else ""


def new_post(app: XmppSocialApp, key: str = "new") -> None:
    from xmppsocial.ui.screens.compose import ComposeRequest

    def done(composed: Composed | None) -> None:
        if composed is not None:
            app.background(publish_new(app, composed, key), "publish")

    open_composer(app, ComposeRequest("new", key, "New post"), done)


async def publish_new(app: XmppSocialApp, composed: Composed, key: str) -> None:
    from xmppsocial.content.compose import new_post as build

    service = app.need_service()
    if service is None:
        return
    name = app.me.split("@", 1)[0]
    if composed.target:
        node = target_node(app, composed.target)
        if node is None:
            return
        post = build(service=node.service, node=node.node, author_name=name,
                     author=app.me, markdown=composed.body, title=composed.title,
                     tags=composed.tags)
        # Comments nodes are made on my own account, for posts on my own blog.
        await _publish(app, service, post, None, key, with_comments=node == NodeRef(app.me))
        return
    post = build(service=app.me, author_name=name, markdown=composed.body,
                 title=composed.title, tags=composed.tags)
    # No audience of its own: the post goes with the blog's (a setting of the blog).
    await _publish(app, service, post, None, key, with_comments=True)


def target_node(app: XmppSocialApp, text: str) -> NodeRef | None:
    """The node an address in the composer's "post to" field names (said when none)."""
    from xmppsocial.blog_address import AddressError, parse_blog_address

    try:
        address = parse_blog_address(text)
    except AddressError as exc:
        app.notify(f"Not sent: {exc}. The draft is kept.", severity="error", timeout=10)
        return None
    if address.blog is None:
        app.notify(f"Not sent: {address.service} is a service; name a node on it "
                   f"(xmpp:{address.service}?;node=NAME). The draft is kept.",
                   severity="error", timeout=10)
    return address.blog


async def _publish(app: XmppSocialApp, service: SocialService, post: Post, audience: str | None,
                   draft_key: str, with_comments: bool = False) -> None:
    from xmppsocial.events import PostsReceived
    from xmppsocial.xmpp.iq import ServiceError
    from xmppsocial.xmpp.service import publish_or_queue

    try:
        if with_comments and service.state.value == "online":
            try:
                post = replace(post, comments=await service.create_comments_node(post.item_id))
            except ServiceError as exc:
                if not exc.transient:
                    raise
                # the network failed: queued below, its comments node made on delivery
        item = await publish_or_queue(service, app.store, post, audience)  # type: ignore[arg-type]
    except ServiceError as exc:
        if exc.transient:
            raise
        refused(app, exc, "post")
        return
    app.store.set_feed(NodeRef(post.service, post.node), own=post.service == app.me)
    app.store.delete_draft(draft_key)
    app.take([PostsReceived((post,), live=False)])
    where = "" if post.service == app.me else f" on {post.service} ({post.node})"
    app.notify(f"Published{where}." if item else QUEUED)
    if item and service.state.value == "online":
        await service.follow_own_blog()  # a first post creates the blog: follow it now


QUEUED = "Queued, will send when online."


def refused(app: XmppSocialApp, exc: Exception, what: str) -> None:
    """A refusal is never queued: say why in one line; the text stays a draft (D)."""
    message = getattr(exc, "message", "") or str(exc)
    app.notify(f"Not sent: {message}. Your {what} is kept as a draft (D opens the drafts).",
               title="Refused", severity="error", timeout=15)


def reply(app: XmppSocialApp, post: Post | None = None, key: str | None = None) -> None:
    from xmppsocial.ui.screens.compose import ComposeRequest

    post = post or app.current_post()
    if post is None:
        return
    key = key or f"reply:{post.service}:{post.node}:{post.item_id}"

    def done(composed: Composed | None) -> None:
        if composed is not None:
            app.background(publish_reply(app, post, composed, key), "publish")

    open_composer(app, ComposeRequest("reply", key, f"Reply to {post.title[:60]}"), done)


async def publish_reply(app: XmppSocialApp, parent: Post, composed: Composed, key: str) -> None:
    from xmppsocial.content.compose import comment
    from xmppsocial.content.compose import new_post as build
    from xmppsocial.events import PostsReceived

    service = app.need_service()
    if service is None:
        return
    name = app.me.split("@", 1)[0]
    if parent.comments is not None:
        from xmppsocial.xmpp.iq import ServiceError
        from xmppsocial.xmpp.outbox import comment_or_queue

        note = comment(parent, service=app.me, author_name=name, markdown=composed.body)
        try:
            item = await comment_or_queue(service, app.store, note, parent.ref,  # type: ignore[arg-type]
                                          draft_key=key)
        except ServiceError as exc:
            if exc.transient:
                raise
            refused(app, exc, "comment")
            return
        app.store.delete_draft(key)
        app.take([PostsReceived((note,), live=False)])
        app.notify("Comment sent." if item else QUEUED)
    else:
        answer = build(service=app.me, author_name=name, markdown=composed.body,
                       in_reply_to=parent)
        await _publish(app, service, answer, None, key, with_comments=True)


def edit(app: XmppSocialApp, post: Post | None = None, key: str | None = None) -> None:
    from xmppsocial.content.compose import edit_source
    from xmppsocial.ui.screens.compose import ComposeRequest

    post = post or app.current_post()
    if post is None or post.service != app.me:
        app.notify("Only your own posts can be edited.", severity="warning")
        return
    key = key or f"edit:{post.item_id}"

    def done(composed: Composed | None) -> None:
        if composed is not None:
            app.background(publish_edit(app, post, composed, key), "publish")

    open_composer(app, ComposeRequest("edit", key, "Edit post", post.title,
                                      edit_source(post), post.tags), done)


async def publish_edit(app: XmppSocialApp, post: Post, composed: Composed, key: str) -> None:
    from xmppsocial.content.compose import edited

    service = app.need_service()
    if service is None:
        return
    await _publish(app, service, edited(post, markdown=composed.body, title=composed.title,
                                        tags=composed.tags), None, key)


def delete(app: XmppSocialApp) -> None:
    from xmppsocial.ui.screens.confirm import ConfirmScreen

    post = app.current_post()
    if post is None or post.service != app.me:
        app.notify("Only your own posts can be deleted.", severity="warning")
        return

    def done(yes: bool | None) -> None:
        if yes:
            app.background(retract(app, post), "publish")

    app.push_screen(ConfirmScreen(f"Delete “{post.title[:60]}” everywhere?"), done)


async def retract(app: XmppSocialApp, post: Post) -> None:
    from xmppsocial.events import PostsRetracted

    service = app.need_service()
    if service is None:
        return
    if service.state.value == "online":
        await service.retract(post.ref)
        app.notify("Deleted.")
    else:
        app.store.enqueue("retract", NodeRef(post.service, post.node), post.item_id)
        app.notify("Offline: it will be deleted when back online.")
    app.take([PostsRetracted((post.ref,))])


def drafts(app: XmppSocialApp) -> None:
    """Every kept draft, the command line's included; Enter reopens one."""
    from xmppsocial.ui.screens.drafts import DraftsScreen

    def chosen(key: str | None) -> None:
        if key:
            resume(app, draft_target(app.store, key))

    app.push_screen(DraftsScreen(app.store.drafts(), app.store), chosen)


def resume(app: XmppSocialApp, target: DraftTarget) -> None:
    """Reopen a draft in the composer it was written in."""
    if target.kind == "reply" and target.post is not None:
        reply(app, target.post, target.key)
    elif target.kind == "edit" and target.post is not None:
        edit(app, target.post, target.key)
    else:
        new_post(app, target.key)

