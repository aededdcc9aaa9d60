"""Blogs held in memory behind the service's paging interface (fetch_latest, fetch_older)."""

from __future__ import annotations

from dataclasses import dataclass, field

from xmppsocial.model import NodeRef, Post


@dataclass(frozen=True)
class FakeCursor:
    """Where the next older page starts: how many of the newest posts were delivered."""

    delivered: int

    def encode(self) -> str:
        return f"fake|{self.delivered}"

    @classmethod
    def decode(cls, text: str) -> FakeCursor:
        return cls(int(text.split("|")[1]))


@dataclass
class FakePage:
    node: NodeRef
    posts: tuple[Post, ...]
    cursor: FakeCursor | None = None


@dataclass
class FakeBlogs:
    """Posts per node; pages are newest first by published, as the reading layer returns."""

    blogs: dict[NodeRef, dict[str, Post]] = field(default_factory=dict)
    fetches: list[tuple[str, NodeRef, int]] = field(default_factory=list)

    def add(self, *posts: Post) -> None:
        for post in posts:
            self.blogs.setdefault(NodeRef(post.service, post.node), {})[post.item_id] = post

    def remove(self, post: Post) -> None:
        self.blogs.get(NodeRef(post.service, post.node), {}).pop(post.item_id, None)

    def ordered(self, node: NodeRef) -> list[Post]:
        return sorted(self.blogs.get(node, {}).values(), key=lambda p: (p.published, p.item_id),
                      reverse=True)

    def _page(self, node: NodeRef, start: int, count: int) -> FakePage:
        posts = self.ordered(node)
        chunk = posts[start:start + count]
        more = start + count < len(posts)
        return FakePage(node, tuple(chunk), FakeCursor(start + len(chunk)) if more else None)

    async def fetch_latest(self, node: NodeRef, count: int = 20, *, deliver: bool = True):
        self.fetches.append(("latest", node, 0))
        return self._page(node, 0, count)

    async def fetch_older(self, node: NodeRef, cursor: FakeCursor, count: int = 20):
        self.fetches.append(("older", node, cursor.delivered))
        return self._page(node, cursor.delivered, count)

    @staticmethod
    def cursor(text: str) -> FakeCursor:
        return FakeCursor.decode(text)
