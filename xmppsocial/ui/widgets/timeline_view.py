"""The feed pane: a Line-API list of rows (posts and history marks) with fixed-height rows.

No widget per post: rows are drawn line by line from the Reader (the reading model),
and the strips of recently drawn rows are cached, so moving the cursor costs the same
with a hundred posts or a hundred thousand. The widget only draws and passes keys on:
where the cursor goes, and where it stays when rows come and go, is the Reader's rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from xmppsocial.reading.reader import Reader
from xmppsocial.reading.rows import MarkRow, PostRow, Row, age
from xmppsocial.ui.bindings import key_binding

ROW_HEIGHT = 3


class TimelineView(ScrollView, can_focus=True):
    """Rows newest first; the cursor row is highlighted and kept in view."""

    COMPONENT_CLASSES = {
        "timeline-view--cursor",
        "timeline-view--author",
        "timeline-view--meta",
        "timeline-view--tags",
        "timeline-view--title",
        "timeline-view--preview",
        "timeline-view--unread",
        "timeline-view--deleted",
        "timeline-view--mark",
        "timeline-view--end",
    }
    DEFAULT_CSS = """
    TimelineView > .timeline-view--cursor { background: $accent 30%; }
    TimelineView:focus > .timeline-view--cursor { background: $accent 60%; }
    TimelineView > .timeline-view--author { text-style: bold; }
    TimelineView > .timeline-view--meta { color: $text-muted; }
    TimelineView > .timeline-view--tags { color: $secondary; }
    TimelineView > .timeline-view--title { text-style: bold; }
    TimelineView > .timeline-view--preview { color: $text-muted; }
    TimelineView > .timeline-view--unread { color: $warning; text-style: bold; }
    TimelineView > .timeline-view--deleted { color: $text-muted; text-style: italic; }
    TimelineView > .timeline-view--mark { color: $primary; text-style: italic; }
    TimelineView > .timeline-view--end { color: $text-muted; }
    """
    BINDINGS = [
        key_binding("next", "cursor_down"), key_binding("previous", "cursor_up"),
        key_binding("first", "first"), key_binding("last", "last"),
        key_binding("page_down", "page_down"), key_binding("page_up", "page_up"),
        key_binding("open", "select"),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class Highlighted(Message):
        """A different row is under the cursor (the reader moved, or the row went)."""

        view: TimelineView
        row: Row

        @property
        def control(self) -> TimelineView:
            return self.view

    @dataclass
    class Selected(Message):
        """Enter on a row."""

        view: TimelineView
        row: Row

        @property
        def control(self) -> TimelineView:
            return self.view

    @dataclass
    class Viewed(Message):
        """The cursor or the scroll moved: what is in view changed."""

        view: TimelineView

        @property
        def control(self) -> TimelineView:
            return self.view

    def __init__(self, reader: Reader, *, clock: Callable[[], datetime] | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.reader = reader
        self.clock = clock or (lambda: datetime.now(UTC))
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._under_cursor: tuple[str, ...] | None = None
        self._stamps: dict[int, str] = {}
        self._update_size()

    # ------------------------------------------------------------------ state
    @property
    def rows(self) -> Reader:
        """The rows by position (``len``, ``row(i)``): the reader's."""
        return self.reader

    @property
    def current(self) -> Row | None:
        return self.reader.current

    @property
    def at_top(self) -> bool:
        return self.reader.cursor == 0 and self.reader.top == 0

    def _update_size(self) -> None:
        # Width 0: rows are cut to the pane, so there is never a horizontal scrollbar.
        self.virtual_size = Size(0, len(self.reader) * ROW_HEIGHT)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def sync(self, reloaded: bool = False) -> None:
        """Show the reader's state: after a move, or (``reloaded``) after its rows changed."""
        if reloaded:
            # Strips are cached by row content, not position: rows that only moved (posts
            # came in above) are drawn again from the cache.
            self._stamps.clear()
            self._update_size()
            self.refresh()
        self.scroll_to(y=self.reader.top * ROW_HEIGHT, animate=False, force=True,
                       immediate=True)
        if self.cursor != self.reader.cursor:
            self.cursor = self.reader.cursor
        row = self.reader.current
        key = row.key if row is not None else None
        if key != self._under_cursor:
            self._under_cursor = key
            if row is not None:
                self.post_message(self.Highlighted(self, row))
        self.post_message(self.Viewed(self))

    def redraw(self, positions: list[int]) -> None:
        """Rows changed in place (a count, read state, a deletion)."""
        for index in positions:
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    def redraw_ages(self) -> None:
        """The clock moved on: redraw rows in view whose relative time now reads differently."""
        now = self.clock()
        for index in range(self.reader.top, self.reader.top + self._page_rows() + 1):
            row = self.reader.row(index)
            if isinstance(row, PostRow) and self._stamps.get(index) not in (None,
                                                                            age(row.when, now)):
                self.refresh_lines(index * ROW_HEIGHT, 1)

    def on_resize(self) -> None:
        self._strips.clear()
        self._update_size()
        self.reader.view(self.reader.top, self._page_rows())
        self.reader.move(self.reader.cursor)  # still in view at the new height
        self.sync()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        top = int(new_value) // ROW_HEIGHT
        if top != self.reader.top:
            self.reader.view(top, self._page_rows())
            self.post_message(self.Viewed(self))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old * ROW_HEIGHT, ROW_HEIGHT)
        self.refresh_lines(new * ROW_HEIGHT, ROW_HEIGHT)

    # ------------------------------------------------------------------ keys
    def _moved(self) -> None:
        self.sync()

    def action_cursor_down(self) -> None:
        self.reader.step(1)
        self._moved()

    def action_cursor_up(self) -> None:
        self.reader.step(-1)
        self._moved()

    def action_first(self) -> None:
        self.reader.move(0)
        self._moved()

    def action_last(self) -> None:
        self.reader.move(len(self.reader) - 1)
        self._moved()

    def action_page_down(self) -> None:
        self.reader.view(self.reader.top, self._page_rows())
        self.reader.page(1)
        self._moved()

    def action_page_up(self) -> None:
        self.reader.view(self.reader.top, self._page_rows())
        self.reader.page(-1)
        self._moved()

    def action_select(self) -> None:
        row = self.reader.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", 0) + self.scroll_offset.y
        self.reader.move(int(y) // ROW_HEIGHT)
        self._moved()

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index, line = divmod(y + scroll_y, ROW_HEIGHT)
        width = self.scrollable_content_region.width
        row = self.reader.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.reader.cursor
        if isinstance(row, MarkRow):
            key: tuple[object, ...] = (row, self.reader.offline, is_cursor, line, width)
        else:
            stamp = age(row.when, self.clock()) if line == 0 else ""
            if line == 0:
                self._stamps[index] = stamp
            key = (row, is_cursor, line, width, stamp)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(row, line, width, is_cursor)
            self._strips[key] = strip
        return strip.crop(scroll_x, scroll_x + width)

    def _draw(self, row: Row, line: int, width: int, is_cursor: bool) -> Strip:
        style = self.rich_style
        if is_cursor:
            style += self.get_component_rich_style("timeline-view--cursor", partial=True)

        def part(text: str, component: str) -> Segment:
            return Segment(text, style + self.get_component_rich_style(component, partial=True))

        if isinstance(row, MarkRow):
            component = "timeline-view--end" if row.kind == "end" else "timeline-view--mark"
            text = {1: f"┄ {row.title()} ┄", 2: row.hint(self.reader.offline)}.get(line, "")
            segments = [Segment("  ", style), part(text, component)] if text else []
        elif isinstance(row, PostRow) and row.deleted:
            segments = [Segment("  ", style), part("deleted", "timeline-view--deleted")] \
                if line == 1 else []
        elif line == 0:
            marker = part("● " if row.unread else "  ", "timeline-view--unread")
            counts = "".join(f"  {sym}{n}" for sym, n in (("♥", row.likes), ("↳", row.comments))
                             if n)
            if row.liked:  # said in words too: a colour alone is lost in a plain terminal
                counts = counts.replace(f"♥{row.likes}", f"♥{row.likes} you", 1)
            stamp = age(row.when, self.clock())
            segments = [marker, part(row.author, "timeline-view--author"),
                        part(f"  {stamp}{counts}", "timeline-view--meta")]
            if row.tags:
                segments.append(part("  " + " ".join(f"#{t}" for t in row.tags),
                                     "timeline-view--tags"))
        elif line == 1:
            segments = [Segment("  ", style), part(row.title, "timeline-view--title")]
        else:
            segments = [Segment("  ", style), part(row.preview, "timeline-view--preview")]
        strip = Strip(segments).crop_extend(0, width, style)
        if line == 2 and not is_cursor:
            strip = strip.apply_style(Style())
        return strip
