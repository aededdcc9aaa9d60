"""XmppSocialApp: wiring between the store, the service, the reading model and the screens.

The app opens on what the cache already holds and connects in the background.
Service events are applied to the store in one place (xmppsocial.applying);
the Changes that come back are handed to every view (ReadingPanes), which the
reading model keeps in place. Keys run commands by name (ui/commands.py).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.css.query import NoMatches
from textual.widgets import Header, Input
from textual.worker import Worker, WorkerState

from xmppsocial import __version__
from xmppsocial.applying import Changes, EventApplier
from xmppsocial.config import Preferences
from xmppsocial.events import ServiceEvent
from xmppsocial.keys import BY_NAME, KEYS, keymap
from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef
from xmppsocial.reading.read_marks import ReadMarker
from xmppsocial.store import Scope, Store
from xmppsocial.ui import connection
from xmppsocial.ui.bindings import key_binding
from xmppsocial.ui.commands import COMMANDS
from xmppsocial.ui.history import HistoryLoader
from xmppsocial.ui.messages import ServiceEventArrived
from xmppsocial.ui.panes import ReadingPanes
from xmppsocial.ui.search import Search
from xmppsocial.ui.service_api import SocialService
from xmppsocial.ui.widgets.key_footer import KeyFooter
from xmppsocial.ui.widgets.status_line import StatusLine

ServiceFactory = Callable[[Callable[[ServiceEvent], None]], SocialService]


class XmppSocialApp(App[None]):
    """Full-screen XMPP social feed reader.

    Args:
        store: the open cache.
        service_factory: builds the service once the loop runs (slixmpp binds its loop at
            construction), given the sink for its events; None means offline only.
        clock: "now" for relative times (tests pass a fixed one).
        preferences: [preferences] and [keys] of config.toml.
    """

    CSS_PATH = "app.tcss"
    TITLE = "xmppsocial"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [key_binding(s.name, "quit" if s.name == "quit" else f"command('{s.name}')")
                for s in KEYS if s.where == "app"]

    def __init__(self, store: Store, *, service_factory: ServiceFactory | None = None,
                 account: str = "", insecure: bool = False,
                 clock: Callable[[], datetime] | None = None,
                 preferences: Preferences | None = None) -> None:
        super().__init__()
        self.store = store
        self.service_factory = service_factory
        self.service: SocialService | None = None
        self.account = account
        self.insecure = insecure
        self.clock = clock
        self.preferences = preferences or Preferences()
        self.keymap = keymap(self.preferences.keys)
        self.applier = EventApplier(store, lambda: self.me)
        if account:  # own posts are never unread, whichever release stored them
            store.mark_own_read(account)
        self.read_marker = ReadMarker(store, self.preferences.mark_read)
        self.history = HistoryLoader(self)
        self.search = Search(self)
        self.panes: list[ReadingPanes] = []
        self.counted: set[tuple[str, str, str]] = set()
        self.startup_notice = ""
        self._incoming: list[ServiceEvent] = []
        self.account_setup: Callable[[object], tuple[ServiceFactory, object]] | None = None
        self.open_target: object | None = None  # a BlogAddress to open at start
        self.switch_to = ""  # the account to start again with, once this app has ended
        # Coroutines to run beside the app for its lifetime (the demo's live author).
        self.companions: list[Callable[[], object]] = []

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search posts, or tag:name (enter to search, escape to go "
                                "back)", id="search")
        yield ReadingPanes(Scope(), title="Feed", id="main")
        yield StatusLine(id="status")
        yield KeyFooter()

    @property
    def main_panes(self) -> ReadingPanes:
        return self.query_one("#main", ReadingPanes)

    @property
    def feed(self):  # type: ignore[no-untyped-def]
        return self.main_panes.feed

    @property
    def thread(self):  # type: ignore[no-untyped-def]
        return self.main_panes.thread

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
        self.set_keymap({k: v for k, v in self.preferences.keys.items() if k in BY_NAME})
        self._apply_theme()
        self.status.account = self.account
        self.status.insecure = self.insecure
        if self.startup_notice:
            self.notify(self.startup_notice, severity="warning", timeout=15)
        self.call_after_refresh(self._refresh_status)  # the feed is painted first
        self.feed.focus()
        # The outbox drains in the service's own time: keep its count in view.
        self.set_interval(1.0, self._refresh_status)
        self.set_interval(30.0, self._follow_own_blog)
        if self.open_target is not None:
            from xmppsocial.ui.actions.finding import open_target

            self.call_after_refresh(open_target, self, self.open_target)
        for companion in self.companions:
            self.run_worker(companion(), group="companions", exit_on_error=False)
        if self.service_factory is not None:
            # After the first frame: the cache is on screen while slixmpp loads (~0.1 s).
            self.call_after_refresh(self.start_service)
        elif self.account_setup is not None:
            from xmppsocial.ui.screens.account import AccountScreen

            self.push_screen(AccountScreen(), self._account_chosen)

    def _apply_theme(self) -> None:
        wanted = self.preferences.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            import difflib

            close = difflib.get_close_matches(wanted, list(self.available_themes), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.notify(f"preferences.theme: no theme called {wanted!r}{hint}",
                        severity="warning", timeout=10)
        self._theme_loaded = True

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette is kept in config.toml for next time."""
        if getattr(self, "_theme_loaded", False) and theme != self.preferences.theme:
            from xmppsocial.config import ConfigError, save_preference

            try:
                save_preference("theme", theme)
            except (ConfigError, OSError) as exc:
                self.notify(f"Theme not saved: {exc}", severity="warning")
                return
            self.preferences = Preferences(theme, self.preferences.editor,
                                           self.preferences.keys, self.preferences.mark_read)

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
        from xmppsocial.ui.actions.audience import first_audience

        self.background(first_audience(self, getattr(form, "audience", "open")), "audience")

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

    # ------------------------------------------------------------------ changes
    @on(ServiceEventArrived)
    def _service_event(self, message: ServiceEventArrived) -> None:
        # Events that queued up together are stored and shown together: one transaction,
        # one reload and one repaint for a burst instead of one per post.
        if not self._incoming:
            self.call_later(self._take_incoming)
        self._incoming.append(message.event)

    def _take_incoming(self) -> None:
        events, self._incoming = self._incoming, []
        if events:
            self.take(events)

    def take(self, events: list[ServiceEvent]) -> Changes | None:
        """Apply events to the store and show what changed, in every view."""
        if self.panes_gone:
            return None
        changes = self.applier.apply(events)
        status = self._status_line()
        if changes.connection is not None and status is not None:
            status.state = changes.connection.state
            status.reason = changes.connection.reason
            if changes.connection.state is ConnectionState.ONLINE and self.me:
                self._learn_own_audience()
        if status is not None:
            connection.show(self, status, events)
        for panes in self._live_panes():
            panes.apply(changes)
        for activity in changes.activity:
            self.notify(activity.message, title=activity.title)
        for rejected in changes.rejected:
            self.log.warning(f"unreadable item {rejected.ref}: {rejected.reason}")
        self._refresh_status()
        return changes

    def _learn_own_audience(self) -> None:
        """Who reads my blog, as the server has it (another client may have changed it):
        the composer and the own-blog view say it."""
        from xmppsocial.ui.actions.audience import learn_audience

        self.background(learn_audience(self, NodeRef(self.me)), "audience")

    def refresh_views(self) -> None:
        """Read every view again (marks loading, read state of many posts)."""
        for panes in self._live_panes():
            panes.reload()
        self._refresh_status()

    def read_changed(self, refs: list[PostRef], unread: bool) -> None:
        keys = [(r.service, r.node, r.item) for r in refs]
        for panes in self._live_panes():
            panes.read_changed(keys, unread)
        self._refresh_status()

    def post_changed(self, post: Post) -> None:
        """Draw one post's row and thread again (its likes or comments changed here)."""
        for panes in self._live_panes():
            panes.refresh_rows([post.key])
            if panes.thread.post is not None and panes.thread.post.key == post.key:
                panes.show_post(post.ref)

    def _live_panes(self) -> list[ReadingPanes]:
        # A timer can fire while Textual takes a screen down, its widgets already gone.
        return [p for p in self.panes if p.is_attached and p.children and not self.panes_gone]

    def _refresh_status(self) -> None:
        status = self._status_line()
        if status is not None:
            connection.refresh(self, status)
            status.unread = self.store.unread_count()
            status.notifications = self.store.unread_notification_count()

    def _status_line(self) -> StatusLine | None:
        """The status line, or None while Textual takes the screens down (timers still run
        then, and its widgets go before the screen does)."""
        if self.panes_gone:
            return None
        try:
            return self.status
        except NoMatches:
            return None

    def _follow_own_blog(self) -> None:
        """A blog created elsewhere (the command line, another device) after we connected
        is followed as soon as it exists, so that its posts are pushed here too."""
        service = self.service
        if service is not None and not self.offline \
                and not getattr(service, "own_blog_followed", True):
            self.background(self._own_blog_appeared(service), "own-blog")

    async def _own_blog_appeared(self, service: SocialService) -> None:
        if await service.follow_own_blog():  # it exists now: read what was posted there
            from xmppsocial.xmpp.catchup import catch_up

            self.take([await catch_up(service, self.store.history,  # type: ignore[arg-type]
                                      service.own_blog)])

    @property
    def offline(self) -> bool:
        return self.service is None or self.service.state is not ConnectionState.ONLINE

    # ------------------------------------------------------------------ for commands
    @property
    def me(self) -> str:
        return self.service.jid if self.service is not None else self.account

    def panes_here(self) -> ReadingPanes | None:
        """The timeline of the screen in front (the main view, or a blog's)."""
        found = self.screen.query(ReadingPanes)
        return found.first() if found else None

    def current_post(self) -> Post | None:
        panes = self.panes_here()
        ref = panes.reader.current_post if panes is not None else None
        return self.store.get_post(ref) if ref is not None else None

    def blog_in_view(self) -> NodeRef | None:
        panes = self.panes_here()
        return panes.scope.node if panes is not None and panes.scope.kind == "blog" else None

    def need_service(self) -> SocialService | None:
        if self.service is None:
            self.notify("Not connected to an account.", severity="warning")
        return self.service

    def background(self, work: Coroutine[Any, Any, object], group: str) -> None:
        """Network work of a command, in the background; failures reach _worker_failed."""
        self.run_worker(work, group=group, exit_on_error=False)

    def key_for(self, name: str) -> str:
        return self.keymap[name].split(",")[0]

    def action_command(self, name: str) -> None:
        COMMANDS[name](self)

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        self.search.submitted(event.value)

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def]
        """The palette (ctrl+p) offers every command with its key, beside Textual's own."""
        yield from super().get_system_commands(screen)
        for spec in KEYS:
            if spec.name in COMMANDS and spec.name != "leave":
                yield SystemCommand(spec.label, f"{spec.does} (key: {self.key_for(spec.name)})",
                                    lambda name=spec.name: self.action_command(name))

