"""The store's timelines as rows the feed pane can draw (sanitised, one line each)."""

from __future__ import annotations

from xmppsocial.sanitize import clean_line, clean_name
from xmppsocial.store import Scope, Store, TimelineEntry
from xmppsocial.ui.timeline_rows import TimelineRow


def to_row(entry: TimelineEntry) -> TimelineRow:
    return TimelineRow(key=entry.key, sort_key=entry.sort_key, author=clean_name(entry.author),
                       title=clean_line(entry.title, 300), preview=clean_line(entry.preview, 300),
                       when=entry.when, unread=entry.unread, likes=entry.likes,
                       comments=entry.comments, revision=entry.digest,
                       retracted=entry.retracted)


class StoreSource:
    """A TimelineSource over one scope of the store."""

    def __init__(self, store: Store, scope: Scope) -> None:
        self.scope = scope
        self.timeline = store.timeline(scope)

    def count(self) -> int:
        return self.timeline.count()

    def newest(self, limit: int) -> list[TimelineRow]:
        return [to_row(e) for e in self.timeline.newest(limit)]

    def oldest(self, limit: int) -> list[TimelineRow]:
        return [to_row(e) for e in self.timeline.oldest(limit)]

    def older_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineRow]:
        return [to_row(e) for e in self.timeline.older_than(sort_key, limit)]

    def newer_than(self, sort_key: tuple[object, ...], limit: int) -> list[TimelineRow]:
        return [to_row(e) for e in self.timeline.newer_than(sort_key, limit)]

    def at_offset(self, offset: int, limit: int) -> list[TimelineRow]:
        return [to_row(e) for e in self.timeline.at_offset(offset, limit)]
