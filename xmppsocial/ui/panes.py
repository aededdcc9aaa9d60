"""A timeline and its thread pane, driven by a Reader: the main view and a blog's view alike.

It draws what the reading model says and passes events to it: a different row
under the cursor shows that post (after a short pause, so that holding j does
not rebuild the thread at every step) and starts its read timer; what comes
into view may ask for older pages; changes from the network are applied to
the reader, which keeps the reader's place.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from xmppsocial.applying import Changes
from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef
from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import MarkRow, PostRow, Row, post_row
from xmppsocial.store import Scope
from xmppsocial.store.likes import like_state
from xmppsocial.ui.counts import CommentCounts
from xmppsocial.ui.widgets.thread_view import ThreadView
from xmppsocial.ui.widgets.timeline_view import TimelineView

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp

SHOW_AFTER = 0.05  # s: the pause before the thread pane follows the cursor
RELOAD_EVERY = 0.25  # s: rows read again at most this often while a burst comes in


class ReadingPanes(Horizontal):
    """Feed and thread side by side over one scope of the store."""

    def __init__(self, scope: Scope, *, title: str = "Feed", id: str | None = None) -> None:
        super().__init__(id=id, classes="reading-panes")
        self.scope = scope
        self.title = title
        self._show_timer: Timer | None = None
        self._read_timer: Timer | None = None
        self._reload_timer: Timer | None = None
        self._reloaded_at = 0.0

    @property
    def social(self) -> XmppSocialApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.social
        self.reader = Reader(app.store, self.scope, loading=app.history.loading,
                             problems=app.history.problems)
        self.reader.offline = app.offline
        self.counts = CommentCounts(app, self)
        with Vertical(classes="feed-column"):
            yield Static("", classes="new-posts", markup=False)
            feed = TimelineView(self.reader, clock=app.clock, classes="feed")
            feed.border_title = self.title
            yield feed
        thread = ThreadView(classes="thread")
        thread.border_title = "Thread"
        yield thread

    @property
    def feed(self) -> TimelineView:
        return self.query_one(TimelineView)

    @property
    def thread(self) -> ThreadView:
        return self.query_one(ThreadView)

    def on_mount(self) -> None:
        self.social.panes.append(self)
        self.refresh_title()
        self.set_interval(1.0, self._tick)
        self.feed.sync(reloaded=True)

    def on_unmount(self) -> None:
        if self in self.social.panes:
            self.social.panes.remove(self)

    def _tick(self) -> None:
        if not self.is_attached or not self.screen.is_current:
            return
        self.feed.redraw_ages()
        self.counts.count_visible()

    # ------------------------------------------------------------------ what is shown
    @on(TimelineView.Highlighted)
    def _highlighted(self, message: TimelineView.Highlighted) -> None:
        message.stop()
        if self._show_timer is not None:
            self._show_timer.stop()
        self._show_timer = self.set_timer(SHOW_AFTER, lambda: self.show_row(message.row))

    def show_row(self, row: Row | None) -> None:
        if not self.is_attached:
            return
        if isinstance(row, MarkRow):
            self._note_mark(row)
        elif isinstance(row, PostRow) and row.deleted:
            self.thread.show_note("This post was deleted by its author.")
        elif isinstance(row, PostRow):
            self.show_post(PostRef(*row.key))
        else:
            self.thread.show(None)
        self._start_read_timer()

    def _note_mark(self, mark: MarkRow) -> None:
        if mark.kind == "end":
            self.thread.show_note(f"This is where {mark.blog} begins: nothing older exists.")
        elif mark.loading:
            self.thread.show_note(f"Loading older posts of {mark.blog}…")
        else:
            self.thread.show_note(f"{mark.label(self.reader.offline)}.")

    def go_to_post(self, ref: PostRef) -> None:
        """The cursor on that post where this view holds it, and the post in the thread
        pane either way (a comment or a post older than the view shows there too)."""
        if self.reader.go_to((ref.service, ref.node, ref.item)):
            self.feed.sync()
        self.show_post(ref)

    def show_post(self, ref: PostRef) -> None:
        """The post in full with its thread; fetches comments and what it replies to."""
        post = self.social.store.get_post(ref)
        if post is None:
            self.thread.show_note("This post is no longer here.")
            return
        unknown = self._render_thread(post)
        service = self.social.service
        if service is None or service.state is not ConnectionState.ONLINE:
            return
        if post.comments is not None:
            self._fetch_comments(post)
        if unknown:
            self._fetch_replied(post, unknown)

    def _render_thread(self, post: Post) -> list[PostRef]:
        """Show the post with its thread; returns the posts it answers that are not cached."""
        store = self.social.store
        feed = store.feed(NodeRef(post.service, post.node))
        replied = {r.target: store.get_post(r.target) for r in post.in_reply_to
                   if r.target is not None}
        likes = like_state(store, post, self.social.me)
        self.thread.show(post, store.thread(post), likes.count,
                         feed.access_model if feed else "",
                         {k: v for k, v in replied.items() if v is not None}, liked=likes.mine)
        return [ref for ref, found in replied.items() if found is None]

    @work(exclusive=True, group="comments", exit_on_error=False)
    async def _fetch_comments(self, post: Post) -> None:
        """Comments are not pushed unless we follow their node: fetch them on opening."""
        service = self.social.service
        assert service is not None
        # Comments and XEP-0470 likes (Libervia's) together: the thread counts both.
        reactions = await service.reactions(post)
        self.counts.counted.add(post.key)  # the feed's count is known now
        store = self.social.store
        before = store.likers(post)
        store.set_attachment_likes(post.ref, reactions.noticed)
        result = store.upsert_posts(list(reactions.comments))
        changed = result.new or result.changed or store.likers(post) != before
        if changed and self._showing(post.key):
            self._render_thread(post)
        # Always: an earlier fetch cancelled by this one may have stored the comments.
        self.refresh_rows([post.key])

    @work(exclusive=True, group="replied", exit_on_error=False)
    async def _fetch_replied(self, post: Post, refs: list[PostRef]) -> None:
        """The post being replied to or shared, when it is older than what was synced."""
        service = self.social.service
        assert service is not None
        found = [p for p in [await service.fetch_post(ref) for ref in refs] if p]
        if found:
            self.social.store.upsert_posts(found)
            if self._showing(post.key):
                self._render_thread(post)

    def _showing(self, key: tuple[str, str, str]) -> bool:
        shown = self.thread.post
        return shown is not None and shown.key == key

    # ------------------------------------------------------------------ read state
    def _start_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
        ref = self.thread.post.ref if self.thread.post is not None else None
        delay = self.social.read_marker.shown(ref, time.monotonic())
        if delay is not None:
            self._read_timer = self.set_timer(delay, self._dwelt)

    def _dwelt(self) -> None:
        if not self.is_attached or not self.screen.is_current:
            return  # a composer or a dialog covers the thread: it was not being read
        ref = self.social.read_marker.due(time.monotonic())
        if ref is not None:
            self.social.read_changed([ref], unread=False)

    @on(TimelineView.Selected)
    def _selected(self, message: TimelineView.Selected) -> None:
        message.stop()
        row = message.row
        if isinstance(row, MarkRow):
            self.reader.retry(row.key)
            self.request_pages(force=row)
            return
        if isinstance(row, PostRow) and not row.deleted:
            ref = PostRef(*row.key)
            if self.social.read_marker.opened(ref):
                self.social.read_changed([ref], unread=False)
            if not self._showing(row.key):
                self.show_row(row)
            self.thread.focus()

    # ------------------------------------------------------------------ view and paging
    @on(TimelineView.Viewed)
    def _viewed(self, message: TimelineView.Viewed) -> None:
        message.stop()
        self._show_new_posts()
        self.request_pages()

    def request_pages(self, force: MarkRow | None = None) -> None:
        marks = self.reader.wanted()
        if force is not None and force.loads and force not in marks:
            marks.append(force)
        if marks:
            self.social.history.load(self.reader, marks)

    def _show_new_posts(self) -> None:
        bar = self.query_one(".new-posts", Static)
        count = self.reader.new_posts
        if count:
            bar.update(f"↑ {count} new post{'s' * (count != 1)} — press g to go up")
        bar.set_class(bool(count), "shown")

    # ------------------------------------------------------------------ changes
    def apply(self, changes: Changes) -> None:
        """What the network changed, shown without moving the reader."""
        if not self.is_attached:
            return
        reader = self.reader
        reader.offline = self.social.offline
        in_view = self._concerns(changes)
        if changes.retracted:
            self.feed.redraw(reader.deleted(changes.retracted))
            if self.thread.post is not None and self.thread.post.key in changes.retracted:
                self.thread.show_note("This post was deleted by its author.")
        if changes.follows or in_view and (changes.new or changes.history or changes.purged):
            self._reload_soon()
        elif changes.changed:
            self.refresh_rows(changes.changed)
        self._refresh_thread(changes)
        self.refresh_title(counted=bool(changes.retracted))
        self._show_new_posts()
        self.request_pages()

    def _reload_soon(self) -> None:
        """Read the rows again now, or, in a burst, once the burst has paused a moment: each
        reading costs a count and a repaint, and the reader's place is kept either way."""
        if self._reload_timer is not None:
            return
        wait = self._reloaded_at + RELOAD_EVERY - time.monotonic()
        if wait <= 0:
            self._reload_rows()
        else:
            self._reload_timer = self.set_timer(wait, self._reload_rows)

    def _reload_rows(self) -> None:
        self._reload_timer = None
        if not self.is_attached or not self.children:
            return
        self._reloaded_at = time.monotonic()
        self.reader.reload()
        self.feed.sync(reloaded=True)
        self.refresh_title()
        self._show_new_posts()
        self.request_pages()

    def _concerns(self, changes: Changes) -> bool:
        kind = self.scope.kind
        if kind == "blog" and self.scope.node is not None:
            return self.scope.node in changes.nodes()
        return True

    def _refresh_thread(self, changes: Changes) -> None:
        shown = self.thread.post
        if shown is None:
            return
        touched = [changes.posts[k] for k in (*changes.new, *changes.changed)
                   if k in changes.posts]
        if any(_belongs_to(shown, p) for p in touched) \
                or any(k != shown.key and k[:2] == _comments_of(shown)
                       for k in changes.retracted):
            self._render_thread(self.social.store.get_post(shown.ref) or shown)

    def refresh_rows(self, keys: list[tuple[str, str, str]]) -> None:
        """Redraw rows from the store (new counts, an edit), if this view shows them."""
        timeline = self.social.store.timeline(self.scope)
        fresh = [post_row(e) for e in (timeline.entry(k) for k in keys) if e is not None]
        self.feed.redraw(self.reader.update(fresh))

    def read_changed(self, keys: list[tuple[str, str, str]], unread: bool) -> None:
        self.feed.redraw(self.reader.read_state(keys, unread))

    def reload(self) -> None:
        self.reader.offline = self.social.offline
        self.reader.reload()
        self.feed.sync(reloaded=True)
        self.refresh_title()
        self._show_new_posts()

    def set_scope(self, scope: Scope, title: str) -> None:
        self.scope = scope
        self.reader.set_scope(scope)
        self.title = title
        self.feed.sync(reloaded=True)
        self.refresh_title()
        self._show_new_posts()
        self.request_pages()

    def refresh_title(self, counted: bool = False) -> None:
        """The view's name and how many posts it holds (``counted``: ask the store, as rows
        deleted in place still hold their place until the next reload)."""
        count = self.reader.source.post_count() if counted else self.reader.post_count()
        self.feed.border_title = f"{self.title} · {count} post{'s' * (count != 1)}"


def _comments_of(post: Post) -> tuple[str, str] | None:
    return (post.comments.service, post.comments.node) if post.comments else None


def _belongs_to(shown: Post, post: Post) -> bool:
    on_comments = shown.comments is not None and (post.service, post.node) == (
        shown.comments.service, shown.comments.node)
    replying = any(r.target == shown.ref for r in post.in_reply_to)
    return on_comments or replying or post.key == shown.key
