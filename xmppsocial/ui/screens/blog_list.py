"""A list of blogs to browse (xmppsocial.directory): Enter opens one, f follows or unfollows
it; the list is loaded in the background when it comes from the network."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from xmppsocial.directory import BlogRow, Listing, with_follows
from xmppsocial.model import NodeRef
from xmppsocial.ui.widgets.key_footer import KeyFooter

Loader = Callable[[], Awaitable[Listing]]


class BlogListScreen(Screen[None]):
    DEFAULT_CSS = """
    #blog-list-title { text-style: bold; padding: 0 1; }
    #blog-list-note { color: $text-muted; padding: 0 1; }
    #blog-list { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f", "toggle_follow", "Follow / unfollow"),
        Binding("enter", "open", "Open", show=True),
    ]

    def __init__(self, listing: Listing | None = None, load: Loader | None = None,
                 waiting: str = "Looking…") -> None:
        super().__init__()
        self.listing = listing or Listing(waiting, ())
        self.load = load

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.listing.title, id="blog-list-title", markup=False)
            yield Label(self.listing.note, id="blog-list-note", markup=False)
            yield OptionList(id="blog-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show(self.listing)
        self.query_one(OptionList).focus()
        if self.load is not None:
            self._load()

    @work(exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        assert self.load is not None
        try:
            listing = await self.load()
        except Exception as exc:  # noqa: BLE001 - said on the screen, in words
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            self.show(Listing(self.listing.title, (), f"Could not be read: {message}", ""))
            return
        self.show(listing)

    def show(self, listing: Listing) -> None:
        self.listing = listing
        self.query_one("#blog-list-title", Label).update(listing.title)
        note = self.query_one("#blog-list-note", Label)
        note.update(listing.note or ("" if listing.rows else listing.empty))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        # Prompts are Rich renderables: plain strings would be read as markup.
        options.add_options([Option(Text(row.line()), id=str(n))
                             for n, row in enumerate(listing.rows)])
        if listing.rows:
            options.highlighted = min(highlighted or 0, len(listing.rows) - 1)

    def current(self) -> BlogRow | None:
        index = self.query_one(OptionList).highlighted
        rows = self.listing.rows
        return rows[index] if index is not None and 0 <= index < len(rows) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            from xmppsocial.ui.actions.finding import open_blog

            open_blog(self.app, row.node, row.label)  # type: ignore[arg-type]

    def action_toggle_follow(self) -> None:
        row = self.current()
        if row is None:
            return
        from xmppsocial.ui.actions.social import toggle_follow

        if row.node.service == self.app.me:  # type: ignore[attr-defined]
            self.app.notify("That is your own blog.")
            return
        toggle_follow(self.app, row.node, not row.followed)  # type: ignore[arg-type]

    def follows_changed(self, follows: dict[NodeRef, bool]) -> None:
        """The follow marks again, after a follow or unfollow."""
        self.show(Listing(self.listing.title, with_follows(self.listing.rows, follows),
                          self.listing.note, self.listing.empty))
