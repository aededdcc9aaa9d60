"""A blog of any author or node: its header, a Follow/Following button, its posts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Label

from xmppsocial.model import NodeRef
from xmppsocial.sanitize import clean_line
from xmppsocial.ui.timeline_rows import TimelineRows
from xmppsocial.ui.widgets.thread_view import AUDIENCE
from xmppsocial.ui.widgets.timeline_view import TimelineView


@dataclass(frozen=True, slots=True)
class BlogInfo:
    node: NodeRef
    title: str
    audience: str = ""
    followers: int | None = None
    followed: bool = False
    own: bool = False


class BlogScreen(Screen[None]):
    """Shows one blog; the Follow button asks the app to (un)subscribe."""

    DEFAULT_CSS = """
    #blog-header { height: auto; padding: 0 1; border-bottom: solid $primary; }
    #blog-title { text-style: bold; }
    #blog-meta { color: $text-muted; }
    #blog-header Horizontal { height: 3; }
    #follow { margin-left: 1; }
    """
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back"),
                Binding("f", "toggle_follow", "Follow/Unfollow")]

    @dataclass
    class FollowToggled(Message):
        node: NodeRef
        follow: bool

    def __init__(self, info: BlogInfo, rows: TimelineRows, clock=None,  # type: ignore[no-untyped-def]
                 count_followers=None) -> None:
        super().__init__()
        self.info = info
        self.rows = rows
        self.clock = clock
        self.count_followers = count_followers

    def on_mount(self) -> None:
        if self.count_followers is not None:
            self._fetch_followers()

    @work(exclusive=True, exit_on_error=False)
    async def _fetch_followers(self) -> None:
        count = await self.count_followers(self.info.node)
        if count is not None:
            self.set_followers(count)

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(id="blog-header"):
            yield Label(clean_line(info.title, 200), id="blog-title", markup=False)
            meta = [clean_line(info.node.service, 200)]
            if info.node.node != "urn:xmpp:microblog:0":
                meta.append(clean_line(info.node.node, 200))
            if info.audience:
                meta.append(AUDIENCE.get(info.audience, info.audience))
            meta.append(f"{info.followers} followers" if info.followers is not None
                        else "followers unknown")
            with Horizontal():
                yield Label(" · ".join(meta), id="blog-meta", markup=False)
                self._meta = meta
                if not info.own:
                    yield Button(self._label(info.followed), id="follow",
                                 variant="default" if info.followed else "primary")
        yield TimelineView(self.rows, clock=self.clock, id="blog-timeline")
        yield Footer()

    def set_followers(self, count: int) -> None:
        self.info = replace(self.info, followers=count)
        meta = [m if not m.startswith("followers") else f"{count} followers"
                for m in self._meta]
        self.query_one("#blog-meta", Label).update(" · ".join(meta))

    @staticmethod
    def _label(followed: bool) -> str:
        return "Following ✓" if followed else "Follow"

    def set_followed(self, followed: bool) -> None:
        self.info = replace(self.info, followed=followed)
        button = self.query_one("#follow", Button)
        button.label = self._label(followed)
        button.variant = "default" if followed else "primary"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "follow":
            self.action_toggle_follow()

    def action_toggle_follow(self) -> None:
        if self.info.own:
            return
        following = str(self.query_one("#follow", Button).label).startswith("Following")
        self.post_message(self.FollowToggled(self.info.node, not following))
