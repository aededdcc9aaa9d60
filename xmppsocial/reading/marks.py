"""Where a timeline shows the edges of what has been read of each blog in it.

Only the views that page through blogs (home: everything followed and my own
blog; one blog) have marks; an unread, tag or search view shows what the
cache holds and nothing else. Each blog in view gets one row at its frontier,
"more" or "end", and one per hole, placed just below the post it follows so
that the rows of every blog in a merged view sit where their time says. A blog
with nothing cached has a row in its own view only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from xmppsocial.model import NodeRef
from xmppsocial.reading.rows import MarkRow, RowKey, SortKey, blog_name
from xmppsocial.store import Scope, Store
from xmppsocial.store.history import FeedHistory

# A blog with no post cached has its frontier below everything else.
BOTTOM: SortKey = (-1e300, 0.0)


def feeds_in(store: Store, scope: Scope) -> list[NodeRef]:
    """The blogs a scope pages through (none for unread, tag and search views)."""
    if scope.kind == "home":
        return store.followed_nodes()
    if scope.kind == "blog" and scope.node is not None:
        return [scope.node]
    return []


def just_below(key: SortKey) -> SortKey:
    # Row ids are integers: half a step down is between this post and the next older one.
    return (key[0], key[1] - 0.5)


def marks_for(store: Store, scope: Scope, *, loading: Collection[RowKey] = (),
              problems: Mapping[RowKey, str] | None = None) -> list[MarkRow]:
    """The mark rows of ``scope``, newest first; ``loading`` and ``problems`` are by row key."""
    problems = problems or {}
    marks: list[MarkRow] = []
    single = scope.kind == "blog"
    for history in store.history.feeds(feeds_in(store, scope)):
        marks.extend(_feed_marks(history, single))
    marks = [_with_state(m, m.key in loading, problems.get(m.key, "")) for m in marks]
    marks.sort(key=lambda m: m.sort_key, reverse=True)
    return _apart(marks)


def _apart(marks: list[MarkRow]) -> list[MarkRow]:
    # Keyset paging tells rows apart by sort key: two marks at one place (empty blogs at the
    # bottom, a hole below a frontier's post) are moved a hair apart, keeping their order.
    out: list[MarkRow] = []
    for mark in marks:
        if out and mark.sort_key >= out[-1].sort_key:
            previous = out[-1].sort_key
            mark = replace(mark, sort_key=(previous[0], previous[1] - 1e-3))
        out.append(mark)
    return out


def _feed_marks(history: FeedHistory, single: bool) -> list[MarkRow]:
    node = history.node
    name = blog_name(history.title, history.owner_name, node.service, node.node)
    out = []
    if history.frontier is None:
        # Nothing of this blog is cached: only its own view has a row for it. In a merged
        # view it would sit below everything; the catch-up reads its first page anyway.
        if single:
            out.append(MarkRow("end" if history.ended else "more", node, BOTTOM, name))
    else:
        out.append(MarkRow("end" if history.ended else "more", node,
                           just_below(history.frontier), name))
    for hole in history.holes:
        if hole.above is not None:  # its post is not stored yet: nothing to place it by
            out.append(MarkRow("hole", node, just_below(hole.above), name, hole=hole.id,
                               missing=hole.missing))
    return out


def _with_state(mark: MarkRow, loading: bool, problem: str) -> MarkRow:
    if not (loading or problem):
        return mark
    return MarkRow(mark.kind, mark.feed, mark.sort_key, mark.blog, mark.hole, mark.missing,
                   loading and mark.loads, problem)
