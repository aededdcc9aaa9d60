"""XmppSocialApp: wiring between the store, the service and the panes.

The app opens on what the cache already holds, connects in the background,
and turns service events into store updates and repaints. Post actions
(compose, reply, like, follow…) live in actions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from xmppsocial import __version__
from xmppsocial.events import (
    ConnectionChanged,
    EntryRejected,
    NodePurged,
    PostsReceived,
    PostsRetracted,
    ServiceEvent,
    SubscriptionChanged,
)
from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef
from xmppsocial.store import Scope, Store
from xmppsocial.ui.actions import PostActions
from xmppsocial.ui.counts import CommentCounts
from xmppsocial.ui.messages import ServiceEventArrived
from xmppsocial.ui.service_api import SocialService
from xmppsocial.ui.source import StoreSource, to_row
from xmppsocial.ui.timeline_rows import TimelineRows
from xmppsocial.ui.widgets.key_footer import KeyFooter
from xmppsocial.ui.widgets.status_line import StatusLine
from xmppsocial.ui.widgets.thread_view import ThreadView
from xmppsocial.ui.widgets.timeline_view import TimelineView

ServiceFactory = Callable[[Callable[[ServiceEvent], None]], SocialService]
SCOPE_TITLES = {"home": "Feed", "unread": "Unread", "blog": "Blog", "tag": "Tag",
                "search": "Search"}


class XmppSocialApp(PostActions, CommentCounts, App[None]):
    """Full-screen XMPP social feed reader.

    Args:
        store: the open cache.
        service_factory: builds the service once the loop runs (slixmpp binds its loop at
            construction), given the sink for its events; None means offline only.
        clock: "now" for relative times (tests pass a fixed one).
    """

    CSS_PATH = "app.tcss"
    TITLE = "xmppsocial"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("tab", "cycle_panes", "Panes", show=False),
        Binding("n", "new_post", "New"),
        Binding("r", "reply", "Reply"),
        Binding("e", "edit", "Edit", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("l", "like", "Like"),
        Binding("f", "follow", "Follow"),
        Binding("b", "blog", "Blog", show=False),
        Binding("slash", "search", "Search"),
        Binding("u", "next_unread", "Next unread"),
        Binding("U", "scope('unread')", "Unread only", show=False),
        Binding("h", "scope('home')", "Home", show=False),
        Binding("o", "open_link", "Open link", show=False),
        Binding("N", "notifications", "Notifications", show=False),
    ]

    def __init__(self, store: Store, *, service_factory: ServiceFactory | None = None,
                 account: str = "", insecure: bool = False,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.store = store
        self.service_factory = service_factory
        self.service: SocialService | None = None
        self.account = account
        self.insecure = insecure
        self.clock = clock
        self.scope = Scope()
        self.new_posts = 0
        self.startup_notice = ""
        self.history: list[tuple[str, str, str]] = []
        self._incoming: list[PostsReceived] = []
        self._counted: set[tuple[str, str, str]] = set()
        self.account_setup: Callable[[object], tuple[ServiceFactory, object]] | None = None
        # Coroutines to run beside the app for its lifetime (the demo's live author).
        self.companions: list[Callable[[], object]] = []

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search posts (enter to search, escape to go back)",
                    id="search")
        yield Static("", id="new-posts", markup=False)
        with Horizontal(id="panes"):
            feed = TimelineView(TimelineRows(StoreSource(self.store, self.scope)),
                                clock=self.clock, id="feed")
            feed.border_title = "Feed"
            yield feed
            thread = ThreadView(id="thread")
            thread.border_title = "Thread"
            yield thread
        yield StatusLine(id="status")
        yield KeyFooter()

    @property
    def feed(self) -> TimelineView:
        return self.query_one("#feed", TimelineView)

    @property
    def thread(self) -> ThreadView:
        return self.query_one("#thread", ThreadView)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def panes_gone(self) -> bool:
        """True once Textual has taken the screens down. Its test harness does that while
        timers and queued messages still run (a quit stops them first); with nothing left
        to update, they must do nothing rather than fail."""
        return not self.default_screen.is_attached

    def on_mount(self) -> None:
        self.status.account = self.account
        self.status.insecure = self.insecure
        if self.startup_notice:
            self.notify(self.startup_notice, severity="warning", timeout=15)
        self._refresh_counts()
        self.feed.focus()
        if self.feed.current is not None:
            self._show(self.feed.current.key)
        # The outbox drains in the service's own time: keep its count in view.
        self.set_interval(1.0, self._refresh_pending)
        self.set_interval(1.0, self.count_visible)
        for companion in self.companions:
            self.run_worker(companion(), group="companions", exit_on_error=False)
        if self.service_factory is not None:
            # After the first frame: the cache is on screen while slixmpp loads (~0.1 s).
            self.call_after_refresh(self.start_service)
        elif self.account_setup is not None:
            from xmppsocial.ui.screens.account import AccountScreen

            self.push_screen(AccountScreen(), self._account_chosen)

    def _account_chosen(self, form: object | None) -> None:
        if form is None or self.account_setup is None:
            return
        try:
            self.service_factory, account = self.account_setup(form)
        except ValueError as exc:
            self.notify(str(exc), title="Account not saved", severity="error")
            return
        self.account = self.status.account = account.jid  # type: ignore[attr-defined]
        self.insecure = self.status.insecure = not account.verify_tls  # type: ignore[attr-defined]
        self.start_service()

    def start_service(self) -> None:
        assert self.service_factory is not None
        self.service = self.service_factory(self._sink)
        self.status.state = ConnectionState.CONNECTING
        self.connect_service()

    def _sink(self, event: ServiceEvent) -> None:
        # slixmpp calls this on the app's own loop; post_message is safe from threads too.
        self.post_message(ServiceEventArrived(event))

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_service(self) -> None:
        assert self.service is not None
        await self.service.start()

    async def on_unmount(self) -> None:
        if self.service is not None:
            await self.service.stop()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for background failures: say what happened, keep the app running."""
        if event.state is WorkerState.ERROR and event.worker.group != "connect":
            error = event.worker.error
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            self.notify(message, title="That did not work", severity="error", timeout=8)

    # ------------------------------------------------------------------ events
    @on(ServiceEventArrived)
    def _service_event(self, message: ServiceEventArrived) -> None:
        if self.panes_gone:
            return
        event = message.event
        if isinstance(event, PostsReceived):
            # Pushes that queued up together are stored and shown together: one transaction,
            # one reload and one repaint for a burst instead of one per post.
            if not self._incoming:
                self.call_later(self._take_incoming)
            self._incoming.append(event)
            return
        self._take_incoming()  # what came before this event is applied before it
        if isinstance(event, ConnectionChanged):
            self.status.state, self.status.reason = event.state, event.reason
        elif isinstance(event, PostsRetracted):
            self._take_retractions(list(event.refs))
        elif isinstance(event, NodePurged):
            self.store.purge_node(event.node)
            self._reload()
        elif isinstance(event, SubscriptionChanged):
            self._subscription_changed(event)
        elif isinstance(event, EntryRejected):
            self.log.warning(f"unreadable item {event.ref}: {event.reason}")
        self.status.pending = len(self.store.pending())

    def _take_incoming(self) -> None:
        if not self._incoming or self.panes_gone:
            return
        events, self._incoming = self._incoming, []
        self._take_posts([p for e in events for p in e.posts],
                         [p for e in events if e.live for p in e.posts])
        self.status.pending = len(self.store.pending())

    def _take_posts(self, posts: list[Post], live: list[Post]) -> None:
        result = self.store.upsert_posts(posts)
        visible_new = [k for k in result.new if self._in_scope(k)]
        for key in result.changed:
            self._refresh_row(key)
        if visible_new:
            if self.feed.at_top and not self.new_posts:
                self._reload()
            else:
                self.new_posts += len(visible_new)
                bar = self.query_one("#new-posts", Static)
                bar.update(f"↑ {self.new_posts} new post{'s' * (self.new_posts > 1)}"
                           " — press g to show")
                bar.add_class("shown")
        shown = getattr(self.thread, "post", None)
        if shown is not None and any(self._belongs_to(shown, p) for p in posts):
            self._show(shown.key)
        if live:
            self._notify_about(live, result.new)
        self._refresh_counts()

    def _take_retractions(self, refs: list[PostRef]) -> None:
        for ref in self.store.retract(refs):
            index = self.feed.rows.index_of((ref.service, ref.node, ref.item))
            if index is not None:
                row = self.feed.rows.row(index)
                if row is not None:
                    from dataclasses import replace
                    self.feed.update_row(replace(row, retracted=True))
        self._refresh_counts()

    def _subscription_changed(self, event: SubscriptionChanged) -> None:
        if self.service is not None and event.node == self.service.own_blog \
                and event.jid != self.service.jid and event.state == "subscribed":
            self.notify(f"{event.jid} now follows your blog", title="New follower")

    def _notify_about(self, posts: list[Post], new: list[tuple[str, str, str]]) -> None:
        """Tell the user about comments and replies on their own posts."""
        if self.service is None:
            return
        me = self.service.jid
        for post in posts:
            if post.key not in new or (post.author.jid == me):
                continue
            parent = None
            if post.is_comment:
                parent = self.store.parent_of_comments(NodeRef(post.service, post.node))
            elif post.in_reply_to and post.in_reply_to[0].target is not None:
                parent = post.in_reply_to[0].target
            if parent is not None and parent.service == me:
                kind = "likes" if post.is_like else "commented on"
                self.notify(f"{post.author.display} {kind} your post", title="Activity")

    @staticmethod
    def _belongs_to(shown: Post, post: Post) -> bool:
        on_comments = shown.comments is not None and (post.service, post.node) == (
            shown.comments.service, shown.comments.node)
        replying = any(r.target == shown.ref for r in post.in_reply_to)
        return on_comments or replying or post.key == shown.key

    def _in_scope(self, key: tuple[str, str, str]) -> bool:
        return self.store.timeline(self.scope).entry(key) is not None

    # ------------------------------------------------------------------ feed and thread
    def _reload(self) -> None:
        current = self.feed.current
        self.feed.reload(keep=None if self.feed.at_top else (current.key if current else None))
        self.new_posts = 0
        self.query_one("#new-posts", Static).remove_class("shown")
        if self.feed.current is not None:
            self._show(self.feed.current.key)

    def _refresh_pending(self) -> None:
        if self.panes_gone:
            return
        self.status.pending = len(self.store.pending())

    def _refresh_counts(self) -> None:
        self.status.unread = self.store.unread_count()
        self.feed.border_title = (f"{SCOPE_TITLES[self.scope.kind]} · "
                                  f"{len(self.feed.rows)} posts")

    @on(TimelineView.Highlighted, "#feed")
    def _highlighted(self, message: TimelineView.Highlighted) -> None:
        if self.new_posts and self.feed.cursor == 0:
            self._reload()  # back at the top: take in the posts that arrived meanwhile
            return
        self._show_later(message.row.key)

    @work(exclusive=True, group="thread", exit_on_error=False)
    async def _show_later(self, key: tuple[str, str, str]) -> None:
        import asyncio

        # Holding j/k must not rebuild the thread pane at every step.
        await asyncio.sleep(0.05)
        self._show(key)

    def _show(self, key: tuple[str, str, str]) -> None:
        post = self.store.get_post(PostRef(*key))
        if post is None:
            self.thread.show(None)
            return
        unknown = self._render_thread(post)
        if self.service is None or self.service.state is not ConnectionState.ONLINE:
            return
        if post.comments is not None:
            self._fetch_comments(post)
        if unknown:
            self._fetch_replied(post, unknown)

    def _render_thread(self, post: Post) -> list[PostRef]:
        """Show the post with its thread; returns the posts it answers that are not cached."""
        feed = self.store.feed(NodeRef(post.service, post.node))
        replied = {r.target: self.store.get_post(r.target) for r in post.in_reply_to
                   if r.target is not None}
        self.thread.show(post, self.store.thread(post), self.store.likes(post),
                         feed.access_model if feed else "",
                         {k: v for k, v in replied.items() if v is not None})
        return [ref for ref, found in replied.items() if found is None]

    @work(exclusive=True, group="comments", exit_on_error=False)
    async def _fetch_comments(self, post: Post) -> None:
        """Comments are not pushed unless we follow their node: fetch them on opening."""
        assert self.service is not None
        comments = await self.service.comments(post)  # type: ignore[attr-defined]
        self._counted.add(post.key)  # the feed's count is known now: no second fetch for it
        result = self.store.upsert_posts(comments)
        shown = getattr(self.thread, "post", None)
        if (result.new or result.changed) and shown is not None and shown.key == post.key:
            self._render_thread(post)
        # Always: an earlier fetch cancelled by this one may have stored the comments.
        self._refresh_row(post.key)

    @work(exclusive=True, group="replied", exit_on_error=False)
    async def _fetch_replied(self, post: Post, refs: list[PostRef]) -> None:
        """The post being replied to or shared, when it is older than what was synced."""
        assert self.service is not None
        found = [p for p in [await self.service.fetch_post(ref) for ref in refs] if p]
        if found:
            self.store.upsert_posts(found)
            shown = getattr(self.thread, "post", None)
            if shown is not None and shown.key == post.key:
                self._render_thread(post)

    @on(TimelineView.Selected, "#feed")
    def _selected(self, message: TimelineView.Selected) -> None:
        self.store.mark_read([PostRef(*message.row.key)])
        self.feed.update_row(self._fresh_row(message.row.key) or message.row)
        self._refresh_counts()
        self.thread.focus()

    def _fresh_row(self, key: tuple[str, str, str]):  # type: ignore[no-untyped-def]
        entry = self.store.timeline(self.scope).entry(key)
        return to_row(entry) if entry else None

    def _refresh_row(self, key: tuple[str, str, str]) -> None:
        """Redraw one feed row from the store (new counts, an edit), if the feed shows it."""
        row = self._fresh_row(key)
        if row is not None:
            self.feed.update_row(row)

    def action_cycle_panes(self) -> None:
        (self.thread if self.feed.has_focus else self.feed).focus()

    def set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self.feed.rows = TimelineRows(StoreSource(self.store, scope))
        self.feed.cursor = 0
        self.feed.reload()
        self._refresh_counts()
        if self.feed.current is not None:
            self._show(self.feed.current.key)

    def action_scope(self, kind: str) -> None:
        self.set_scope(Scope(kind))

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        event.input.remove_class("shown")
        self.set_scope(Scope.search(event.value) if event.value.strip() else Scope())
        self.feed.focus()

    def action_next_unread(self) -> None:
        current = self.feed.current
        entry = self.store.timeline(self.scope).next_unread(current.sort_key if current else None)
        if entry is None:
            self.notify("No unread posts.")
            return
        self.feed.cursor = self.store.timeline(self.scope).position(entry.sort_key)

    def notify(self, message: str, *, title: str = "", **kwargs) -> None:  # type: ignore[override]
        """Every toast is also kept for the notifications view (N)."""
        stamp = (self.clock() if self.clock else datetime.now()).strftime("%H:%M")
        self.history.append((stamp, title, message))
        super().notify(message, title=title, **kwargs)

    def action_notifications(self) -> None:
        from xmppsocial.ui.screens.notifications import NotificationsScreen

        self.push_screen(NotificationsScreen(self.history))

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def]
        """The palette (ctrl+p) offers every post action with its key, beside Textual's own."""
        from textual.app import SystemCommand

        yield from super().get_system_commands(screen)
        for title, key, action in (
                ("New post", "n", self.action_new_post), ("Reply", "r", self.action_reply),
                ("Edit my post", "e", self.action_edit), ("Delete my post", "d",
                                                          self.action_delete),
                ("Like", "l", self.action_like), ("Follow / unfollow", "f", self.action_follow),
                ("Open author's blog", "b", self.action_blog), ("Search", "/",
                                                                self.action_search),
                ("Next unread", "u", self.action_next_unread),
                ("Unread only", "U", lambda: self.action_scope("unread")),
                ("Home timeline", "h", lambda: self.action_scope("home")),
                ("Open a link", "o", self.action_open_link),
                ("Notifications", "N", self.action_notifications),
                ("Keys", "?", self.action_help)):
            yield SystemCommand(title, f"key: {key}", action)

    def action_help(self) -> None:
        from xmppsocial.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

