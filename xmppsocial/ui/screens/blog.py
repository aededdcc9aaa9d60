"""A blog of any author or node: its header, a Follow/Following button, its posts and threads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Label

from xmppsocial.content.sanitize import clean_line
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.store import Scope
from xmppsocial.ui.bindings import key_binding
from xmppsocial.ui.panes import ReadingPanes
from xmppsocial.ui.widgets.key_footer import KeyFooter
from xmppsocial.ui.widgets.thread_view import AUDIENCE


@dataclass(frozen=True, slots=True)
class BlogInfo:
    node: NodeRef
    title: str
    audience: str = ""
    followers: int | None = None
    followed: bool = False
    own: bool = False


class BlogScreen(Screen[None]):
    """Shows one blog; the Follow button (or f) asks the app to (un)subscribe."""

    DEFAULT_CSS = """
    #blog-header { height: auto; padding: 0 1; border-bottom: solid $primary; }
    #blog-title { text-style: bold; }
    #blog-meta { color: $text-muted; }
    #blog-header Horizontal { height: 3; }
    #follow { margin-left: 1; }
    """
    BINDINGS = [key_binding("back", "app.pop_screen", show=True)]

    def __init__(self, info: BlogInfo,
                 count_followers: Callable[[NodeRef], Awaitable[int | None]] | None = None,
                 at: PostRef | None = None) -> None:
        super().__init__()
        self.info = info
        self.count_followers = count_followers
        self.at = at  # the post to show first (an address naming one, a notification)

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(id="blog-header"):
            yield Label(clean_line(info.title, 200), id="blog-title", markup=False)
            with Horizontal():
                yield Label(self._meta_line(), id="blog-meta", markup=False)
                if not info.own:
                    yield Button(self._label(info.followed), id="follow",
                                 variant="default" if info.followed else "primary")
                elif info.node.node == MICROBLOG_NODE:
                    # Who reads my blog is the blog's setting, changed here (issue 18).
                    yield Button(self._audience_label(), id="audience-change")
        yield ReadingPanes(Scope.blog(info.node), title=clean_line(info.title, 60),
                           id="blog-panes")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#blog-panes", ReadingPanes).feed.focus()
        if self.count_followers is not None:
            self._fetch_followers()
        if self.info.own and not self.info.audience:
            self._fetch_audience()
        if self.at is not None:
            self.call_after_refresh(self.go_to, self.at)

    def go_to(self, ref: PostRef) -> None:
        """The cursor on that post, shown in the thread pane."""
        if self.is_attached:
            self.query_one("#blog-panes", ReadingPanes).go_to_post(ref)

    @work(exclusive=True, exit_on_error=False)
    async def _fetch_followers(self) -> None:
        assert self.count_followers is not None
        count = await self.count_followers(self.info.node)
        if count is not None:
            self.set_followers(count)

    def _meta_line(self) -> str:
        info = self.info
        meta = [clean_line(info.node.service, 200)]
        if info.node.node != MICROBLOG_NODE:
            meta.append(clean_line(info.node.node, 200))
        if info.audience:
            meta.append(AUDIENCE.get(info.audience, info.audience))
        count = info.followers
        meta.append(f"{count} follower{'s' * (count != 1)}" if count is not None
                    else "followers unknown")
        return " · ".join(meta)

    def _audience_label(self) -> str:
        return "Make it contacts only" if self.info.audience in ("open", "") \
            else "Make it public"

    @work(exclusive=True, group="audience", exit_on_error=False)
    async def _fetch_audience(self) -> None:
        from xmppsocial.ui.actions.audience import learn_audience

        access = await learn_audience(self.app, self.info.node)  # type: ignore[arg-type]
        if access:
            self.set_audience(access)

    def set_followers(self, count: int) -> None:
        self.info = replace(self.info, followers=count)
        self.query_one("#blog-meta", Label).update(self._meta_line())

    def set_audience(self, access: str) -> None:
        self.info = replace(self.info, audience=access)
        self.query_one("#blog-meta", Label).update(self._meta_line())
        found = self.query("#audience-change")
        if found:
            found.first(Button).label = self._audience_label()

    @staticmethod
    def _label(followed: bool) -> str:
        return "Following ✓" if followed else "Follow"

    def set_followed(self, followed: bool) -> None:
        self.info = replace(self.info, followed=followed)
        button = self.query_one("#follow", Button)
        button.label = self._label(followed)
        button.variant = "default" if followed else "primary"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "audience-change":
            from xmppsocial.ui.actions.audience import change_audience

            wanted = "presence" if self.info.audience in ("open", "") else "open"
            change_audience(self.app, self.info.node, wanted)  # type: ignore[arg-type]
        elif event.button.id == "follow":
            from xmppsocial.ui.actions.social import toggle_follow

            toggle_follow(self.app, self.info.node, not self.info.followed)  # type: ignore[arg-type]
