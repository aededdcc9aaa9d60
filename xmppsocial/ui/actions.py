"""What the keys do to posts: compose, reply, edit, delete, like, follow, open blogs and links.

A mixin of XmppSocialApp, kept apart so the app module stays wiring. Network
work runs in workers; failures reach the app's single error handler and the
text being published stays a draft.
"""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from xmppsocial.model import MICROBLOG_NODE, NodeRef, Post, PostRef

if TYPE_CHECKING:
    from xmppsocial.store import Store
    from xmppsocial.ui.screens.compose import Composed, ComposeRequest
    from xmppsocial.ui.service_api import SocialService
    from xmppsocial.ui.widgets.thread_view import ThreadView
    from xmppsocial.ui.widgets.timeline_view import TimelineView


class PostActions:
    store: Store
    service: SocialService | None
    account: str

    if TYPE_CHECKING:
        feed: TimelineView
        thread: ThreadView

        def notify(self, message: str, **kwargs: object) -> None: ...
        def push_screen(self, screen: object, callback: object = None) -> object: ...

    # ------------------------------------------------------------------ helpers
    @property
    def me(self) -> str:
        return self.service.jid if self.service is not None else self.account

    def selected_post(self) -> Post | None:
        row = self.feed.current
        return self.store.get_post(PostRef(*row.key)) if row is not None else None

    def _save_draft(self, key: str, composed: Composed) -> None:
        self.store.save_draft(key, title=composed.title, body=composed.body,
                              tags=composed.tags, audience=composed.audience)

    def _open_composer(self, request: ComposeRequest, done) -> None:  # type: ignore[no-untyped-def]
        # The composer and Markdown are loaded when first needed, not at start-up.
        from xmppsocial.ui.screens.compose import ComposeScreen

        draft = self.store.draft(request.key)
        if draft is not None and (draft.body or draft.title):
            request = replace(request, title=draft.title, body=draft.body, tags=draft.tags,
                              audience=draft.audience or request.audience)
        self.push_screen(ComposeScreen(request, self._save_draft), done)

    def _need_service(self) -> SocialService | None:
        if self.service is None:
            self.notify("Not connected to an account.", severity="warning")
        return self.service

    # ------------------------------------------------------------------ composing
    def action_new_post(self) -> None:
        from xmppsocial.ui.screens.compose import ComposeRequest

        def done(composed: Composed | None) -> None:
            if composed is not None:
                self.publish_new(composed)

        self._open_composer(ComposeRequest("new", "new", "New post"), done)

    @work(exclusive=False, group="publish", exit_on_error=False)
    async def publish_new(self, composed: Composed) -> None:
        from xmppsocial.compose import new_post

        service = self._need_service()
        if service is None:
            return
        post = new_post(service=self.me, author_name=self.me.split("@", 1)[0],
                        markdown=composed.body, title=composed.title, tags=composed.tags)
        await self._publish(service, post, composed.audience, "new", with_comments=True)

    async def _publish(self, service: SocialService, post: Post, audience: str | None,
                       draft_key: str, with_comments: bool = False) -> None:
        from xmppsocial.xmpp.service import publish_or_queue

        if with_comments and service.state.value == "online":
            post = replace(post, comments=await service.create_comments_node(post.item_id))
        item = await publish_or_queue(service, self.store, post, audience)  # type: ignore[arg-type]
        self.store.upsert_posts([post])
        self.store.set_feed(NodeRef(post.service, post.node), own=post.service == self.me)
        self.store.delete_draft(draft_key)
        self.notify("Published." if item else "Offline: it will be sent when back online.")
        self._reload()  # type: ignore[attr-defined]

    def action_reply(self) -> None:
        from xmppsocial.ui.screens.compose import ComposeRequest

        post = self.selected_post()
        if post is None:
            return
        key = f"reply:{post.service}:{post.node}:{post.item_id}"

        def done(composed: Composed | None) -> None:
            if composed is not None:
                self.publish_reply(post, composed, key)

        self._open_composer(ComposeRequest("reply", key, f"Reply to {post.title[:60]}"), done)

    @work(exclusive=False, group="publish", exit_on_error=False)
    async def publish_reply(self, parent: Post, composed: Composed, key: str) -> None:
        from xmppsocial.compose import comment, new_post

        service = self._need_service()
        if service is None:
            return
        name = self.me.split("@", 1)[0]
        if parent.comments is not None:
            note = comment(parent, service=self.me, author_name=name, markdown=composed.body)
            await service.publish_comment(note)
            self.store.upsert_posts([note])
            self.store.delete_draft(key)
            self.notify("Comment sent.")
            self._show(parent.key)  # type: ignore[attr-defined]
        else:
            reply = new_post(service=self.me, author_name=name, markdown=composed.body,
                             in_reply_to=parent)
            await self._publish(service, reply, None, key, with_comments=True)

    def action_edit(self) -> None:
        from xmppsocial.ui.screens.compose import ComposeRequest

        post = self.selected_post()
        if post is None or post.service != self.me:
            self.notify("Only your own posts can be edited.", severity="warning")
            return
        key = f"edit:{post.item_id}"

        def done(composed: Composed | None) -> None:
            if composed is not None:
                self.publish_edit(post, composed, key)

        self._open_composer(ComposeRequest("edit", key, "Edit post", post.title, post.text,
                                           post.tags), done)

    @work(exclusive=False, group="publish", exit_on_error=False)
    async def publish_edit(self, post: Post, composed: Composed, key: str) -> None:
        from xmppsocial.compose import edited

        service = self._need_service()
        if service is None:
            return
        await self._publish(service, edited(post, markdown=composed.body, title=composed.title,
                                            tags=composed.tags), None, key)

    # ------------------------------------------------------------------ other actions
    def action_delete(self) -> None:
        from xmppsocial.ui.screens.confirm import ConfirmScreen

        post = self.selected_post()
        if post is None or post.service != self.me:
            self.notify("Only your own posts can be deleted.", severity="warning")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.retract_post(post)

        self.push_screen(ConfirmScreen(f"Delete “{post.title[:60]}” everywhere?"), done)

    @work(exclusive=False, group="publish", exit_on_error=False)
    async def retract_post(self, post: Post) -> None:
        service = self._need_service()
        if service is None:
            return
        if service.state.value == "online":
            await service.retract(post.ref)
            self.notify("Deleted.")
        else:
            self.store.enqueue("retract", NodeRef(post.service, post.node), post.item_id)
            self.notify("Offline: it will be deleted when back online.")
        self._take_retractions([post.ref])  # type: ignore[attr-defined]

    @work(exclusive=False, group="like", exit_on_error=False)
    async def action_like(self) -> None:
        from xmppsocial.compose import like_comment

        post = self.selected_post()
        service = self._need_service()
        if post is None or service is None:
            return
        heart = like_comment(post, service=self.me, author_name=self.me.split("@", 1)[0]) \
            if post.comments is not None else None
        await service.like(post, heart)
        if heart is not None:
            self.store.upsert_posts([heart])
        self.notify("Liked.")
        self._show(post.key)  # type: ignore[attr-defined]

    def action_follow(self) -> None:
        post = self.selected_post()
        if post is None:
            return
        node = NodeRef(post.service, post.node)
        feed = self.store.feed(node)
        self.toggle_follow(node, not (feed is not None and feed.followed))

    @work(exclusive=False, group="follow", exit_on_error=False)
    async def toggle_follow(self, node: NodeRef, follow: bool) -> None:
        service = self._need_service()
        if service is None:
            return
        if follow:
            await service.follow(node)
            await service.fetch_latest(node, 20)
        else:
            await service.unfollow(node)
        self.store.set_feed(node, followed=follow)
        self.notify(f"{'Following' if follow else 'Stopped following'} {node.service}.")
        self._reload()  # type: ignore[attr-defined]
        from xmppsocial.ui.screens.blog import BlogScreen

        screen = self.screen  # type: ignore[attr-defined]
        if isinstance(screen, BlogScreen) and screen.info.node == node:
            screen.set_followed(follow)

    def action_blog(self) -> None:
        from xmppsocial.store import Scope
        from xmppsocial.ui.screens.blog import BlogInfo, BlogScreen
        from xmppsocial.ui.source import StoreSource
        from xmppsocial.ui.timeline_rows import TimelineRows

        post = self.selected_post()
        if post is None:
            return
        node = NodeRef(post.service, post.node if not post.is_comment else MICROBLOG_NODE)
        feed = self.store.feed(node)
        title = feed.title if feed and feed.title else ""
        if not title:  # no node title known: the owner's name, as their posts give it
            owner = post.author.name if post.author.jid == node.service else ""
            title = f"{owner or node.service}'s blog"
        info = BlogInfo(node, title,
                        feed.access_model if feed else "", None,
                        bool(feed and feed.followed), node.service == self.me)
        rows = TimelineRows(StoreSource(self.store, Scope.blog(node)))
        count = self._count_followers if info.own and self.service is not None else None
        self.push_screen(BlogScreen(info, rows, getattr(self, "clock", None), count))

    async def _count_followers(self, node: NodeRef) -> int | None:
        """Only a blog's owner can ask, and not every server answers (ejabberd's PEP)."""
        from xmppsocial.xmpp.iq import ServiceError

        try:
            return len(await self.service.subscribers(node))  # type: ignore[union-attr]
        except ServiceError:
            return None

    def on_blog_screen_follow_toggled(self, message) -> None:  # type: ignore[no-untyped-def]
        self.toggle_follow(message.node, message.follow)

    def action_open_link(self) -> None:
        from xmppsocial.ui.screens.links import LinkPicker

        post = self.selected_post()
        if post is None:
            return
        links = [(link.title or link.type or link.rel, link.href)
                 for link in (*post.enclosures, *post.links)
                 if link.href.startswith(("http://", "https://"))]
        if not links:
            self.notify("This post has no web links.")
            return
        if len(links) == 1:
            self._open(links[0][1])
            return
        self.push_screen(LinkPicker(links), lambda href: href and self._open(href))

    def _open(self, href: str) -> None:
        # webbrowser starts the browser with an argument list, never through a shell, and
        # only http(s) targets get here.
        webbrowser.open(href)
        self.notify(f"Opened {href}")
