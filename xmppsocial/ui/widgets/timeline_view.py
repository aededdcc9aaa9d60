"""The feed pane: a Line-API list of posts with fixed-height rows.

No widget per post: rows are drawn line by line from TimelineRows, and the
strips of recently drawn rows are cached, so moving the cursor costs the
same with a hundred posts or a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from xmppsocial.render import DATE_UNKNOWN
from xmppsocial.ui.timeline_rows import TimelineRow, TimelineRows

ROW_HEIGHT = 3


def age(when: datetime | None, now: datetime) -> str:
    """A short relative time: 45s, 12m, 3h, 5d, then the date; None: "date unknown"."""
    if when is None:
        return DATE_UNKNOWN
    seconds = max(0, int((now - when).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            count = seconds // size
            return f"{count}{unit}" if unit != "d" or count < 30 else when.strftime("%Y-%m-%d")
    return f"{seconds}s"


class TimelineView(ScrollView, can_focus=True):
    """Posts, newest first; the cursor row is highlighted and followed by the scroll."""

    COMPONENT_CLASSES = {
        "timeline-view--cursor",
        "timeline-view--author",
        "timeline-view--meta",
        "timeline-view--title",
        "timeline-view--preview",
        "timeline-view--unread",
        "timeline-view--retracted",
    }
    DEFAULT_CSS = """
    TimelineView > .timeline-view--cursor { background: $accent 30%; }
    TimelineView:focus > .timeline-view--cursor { background: $accent 60%; }
    TimelineView > .timeline-view--author { text-style: bold; }
    TimelineView > .timeline-view--meta { color: $text-muted; }
    TimelineView > .timeline-view--title { text-style: bold; }
    TimelineView > .timeline-view--preview { color: $text-muted; }
    TimelineView > .timeline-view--unread { color: $warning; }
    TimelineView > .timeline-view--retracted { color: $error; text-style: italic; }
    """
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "Top", show=False),
        Binding("G,end", "last", "Bottom", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a post."""

        view: TimelineView
        row: TimelineRow

        @property
        def control(self) -> TimelineView:
            return self.view

    @dataclass
    class Selected(Message):
        """The reader pressed enter on a post."""

        view: TimelineView
        row: TimelineRow

        @property
        def control(self) -> TimelineView:
            return self.view

    def __init__(self, rows: TimelineRows, *, clock: Callable[[], datetime] | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows = rows
        self.clock = clock or (lambda: datetime.now(UTC))
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._update_size()

    # ------------------------------------------------------------------ data
    def reload(self, keep: tuple[str, str, str] | None = None) -> None:
        """Re-read the source (after new posts were stored); keep the cursor on ``keep``."""
        self.rows.reload()
        self._strips.clear()
        self._update_size()
        self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))
        if keep is not None:
            index = self.rows.index_of(keep)
            if index is not None:
                self.cursor = index
        self.refresh()

    def update_row(self, row: TimelineRow) -> None:
        """Show a new version of a post in place (an edit, a like, a retraction)."""
        index = self.rows.replace(row)
        if index is not None:
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    @property
    def current(self) -> TimelineRow | None:
        return self.rows.row(self.cursor)

    @property
    def at_top(self) -> bool:
        return self.cursor == 0 and self.scroll_offset.y == 0

    def _update_size(self) -> None:
        # Width 0: rows are cut to the pane, so there is never a horizontal scrollbar.
        self.virtual_size = Size(0, len(self.rows) * ROW_HEIGHT)

    def on_resize(self) -> None:
        self._strips.clear()
        self._update_size()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old * ROW_HEIGHT, ROW_HEIGHT)
        self.refresh_lines(new * ROW_HEIGHT, ROW_HEIGHT)
        self.scroll_to_region(Region(0, new * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False,
                              force=True, immediate=True)
        row = self.current
        if row is not None:
            self.post_message(self.Highlighted(self, row))

    def _move(self, index: int) -> None:
        self.cursor = max(0, min(index, len(self.rows) - 1))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.rows) - 1)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page_rows())

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page_rows())

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", 0) + self.scroll_offset.y
        self._move(y // ROW_HEIGHT)

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index, line = divmod(y + scroll_y, ROW_HEIGHT)
        width = self.scrollable_content_region.width
        row = self.rows.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        stamp = age(row.when, self.clock()) if line == 0 else ""
        key = (row.key, row.revision, row.unread, row.likes, row.comments, row.retracted,
               index == self.cursor, line, width, stamp)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(row, line, width, index == self.cursor, stamp)
            self._strips[key] = strip
        return strip.crop(scroll_x, scroll_x + width)

    def _draw(self, row: TimelineRow, line: int, width: int, is_cursor: bool,
              stamp: str) -> Strip:
        style = self.rich_style
        if is_cursor:
            style += self.get_component_rich_style("timeline-view--cursor", partial=True)

        def part(text: str, component: str) -> Segment:
            return Segment(text, style + self.get_component_rich_style(component, partial=True))

        if line == 0:
            marker = part("● " if row.unread else "  ", "timeline-view--unread")
            counts = "".join(f"  {sym}{n}" for sym, n in (("♥", row.likes), ("↳", row.comments))
                             if n)
            segments = [marker, part(row.author, "timeline-view--author"),
                        part(f"  {stamp}{counts}", "timeline-view--meta")]
        elif line == 1:
            if row.retracted:
                segments = [Segment("  "), part("[retracted]", "timeline-view--retracted")]
            else:
                segments = [Segment("  ", style), part(row.title, "timeline-view--title")]
        else:
            segments = [Segment("  ", style), part(row.preview, "timeline-view--preview")]
        strip = Strip(segments).crop_extend(0, width, style)
        if line == 2 and not is_cursor:
            strip = strip.apply_style(Style())
        return strip
