"""Lists of blogs to browse and follow: those I follow, my followers, my contacts' blogs, the
feeds of a pubsub service. Each row says what the blog is, how it is known and whether I
follow it; the TUI's list screens show them (ui/screens/blog_list.py). Pure: the store's
answers and discovery's results in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from xmppsocial.content.sanitize import clean_line, clean_name
from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.notifications import PUBLIC_LIST

FOLLOWERS_UNSUPPORTED = "said:followers-unsupported"  # the graph mark graph_apply sets


@dataclass(frozen=True, slots=True)
class BlogRow:
    """One blog in a list: ``label`` who or what it is, ``detail`` how it is known."""

    node: NodeRef
    label: str
    detail: str = ""
    followed: bool = False

    def line(self) -> str:
        """The row as one safe line: follow mark, name, address, detail."""
        mark = "✓" if self.followed else " "
        address = self.node.service if self.node.node == MICROBLOG_NODE \
            else f"{self.node.service} · {self.node.node}"
        name = self.label if self.label and self.label != address else ""
        parts = [p for p in (clean_name(name), clean_line(address, 120),
                             clean_line(self.detail, 80)) if p]
        return f"{mark} " + "  ".join(parts)


@dataclass(frozen=True, slots=True)
class Listing:
    """A list of blogs with a line above it (what the list is, what cannot be known)."""

    title: str
    rows: tuple[BlogRow, ...]
    note: str = ""
    empty: str = "Nothing here."


class FeedLike(Protocol):
    """What discovery says of a feed (xmppsocial.xmpp.discovery.FeedInfo)."""

    node: NodeRef
    title: str
    kind: str
    description: str


class StoreView(Protocol):
    def follows(self) -> dict[NodeRef, bool]: ...

    def feed(self, node: NodeRef): ...  # type: ignore[no-untyped-def]

    def followers(self, node: NodeRef, source: str | None = None) -> list: ...

    def graph_mark(self, key: str) -> str | None: ...


def with_follows(rows: Iterable[BlogRow], follows: Mapping[NodeRef, bool]) -> tuple[BlogRow, ...]:
    """The rows with their follow mark as the cache has it now."""
    return tuple(replace(r, followed=r.node in follows) for r in rows)


def _title(store: StoreView, node: NodeRef) -> str:
    feed = store.feed(node)
    return (feed.title if feed is not None and feed.title else "") or ""


def following(store: StoreView) -> Listing:
    follows = store.follows()
    rows = tuple(BlogRow(node, _title(store, node),
                         "listed for your contacts" if public else "", True)
                 for node, public in sorted(follows.items(),
                                            key=lambda kv: (kv[0].service, kv[0].node)))
    return Listing(f"Blogs you follow ({len(rows)})", rows,
                   empty="You follow no blogs yet: open one with B, or browse your contacts' "
                         "blogs (C) and a pubsub service's feeds (P).")


def followers(store: StoreView, me: str) -> Listing:
    blog = NodeRef(me.lower())
    follows = store.follows()
    rows = []
    for follower in store.followers(blog):
        node = NodeRef(follower.jid)
        how = "in their public follow list" if follower.source == PUBLIC_LIST \
            else "subscribed"
        rows.append(BlogRow(node, _title(store, node), how, node in follows))
    note = ""
    if store.graph_mark(FOLLOWERS_UNSUPPORTED) is not None:
        note = ("This server cannot list who follows your blog; those shown are known from "
                "contacts' public follow lists.")
    return Listing(f"Your followers ({len(rows)})", tuple(rows), note,
                   empty="Nobody is known to follow your blog yet.")


def feeds(title: str, found: Iterable[FeedLike], follows: Mapping[NodeRef, bool],
          empty: str) -> Listing:
    """Feeds discovery found (contacts' blogs, a service's nodes)."""
    rows = []
    for feed in found:
        detail = clean_line(feed.description, 80) if feed.description else ""
        rows.append(BlogRow(feed.node, feed.title, detail, feed.node in follows))
    return Listing(f"{title} ({len(rows)})", tuple(rows), empty=empty)
