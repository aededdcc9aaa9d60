"""An in-memory SocialService: the same interface as XmppService, for pilot tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tests.unit.fake_blogs import FakeCursor, FakePage
from xmppsocial.events import ConnectionChanged, PostsReceived, PostsRetracted
from xmppsocial.model import (
    COMMENTS_NODE_PREFIX,
    MICROBLOG_NODE,
    ConnectionState,
    NodeRef,
    Post,
    PostRef,
)


@dataclass
class FakeService:
    jid: str
    sink: object
    state: ConnectionState = ConnectionState.OFFLINE
    blogs: dict[NodeRef, dict[str, Post]] = field(default_factory=dict)
    calls: list[tuple[str, object]] = field(default_factory=list)
    fetches: list[tuple[str, object]] = field(default_factory=list)
    fail_publish: str | None = None
    likes_as: str = "comment"  # how like() goes out: "comment" (Movim's heart) or "attachment"

    @property
    def own_blog(self) -> NodeRef:
        return NodeRef(self.jid, MICROBLOG_NODE)

    def emit(self, event: object) -> None:
        self.sink(event)  # type: ignore[operator]

    async def start(self, timeout: float = 30.0) -> None:
        self.state = ConnectionState.ONLINE
        self.emit(ConnectionChanged(ConnectionState.ONLINE))

    async def stop(self) -> None:
        self.state = ConnectionState.OFFLINE

    def push(self, *posts: Post) -> None:
        """Another account published: the server pushes to us."""
        for post in posts:
            self.blogs.setdefault(NodeRef(post.service, post.node), {})[post.item_id] = post
        self.emit(PostsReceived(posts, live=True))

    def retract_remote(self, post: Post) -> None:
        self.blogs.get(NodeRef(post.service, post.node), {}).pop(post.item_id, None)
        self.emit(PostsRetracted((post.ref,)))

    async def publish_post(self, post: Post, access: str | None = None) -> str:
        from xmppsocial.xmpp.iq import ServiceError

        self.calls.append(("publish", post))
        if self.refuse is not None:
            raise self.refuse  # type: ignore[misc]
        if self.fail_publish:
            raise ServiceError(self.fail_publish, text="refused by the fake server")
        self.blogs.setdefault(NodeRef(post.service, post.node), {})[post.item_id] = post
        return post.item_id

    async def publish_comment(self, comment: Post) -> str:
        self.calls.append(("comment", comment))
        return await self.publish_post(comment)

    async def create_comments_node(self, item_id: str) -> NodeRef:
        return NodeRef(self.jid, COMMENTS_NODE_PREFIX + item_id)

    async def retract(self, ref) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(("retract", ref))

    def _page(self, node: NodeRef, start: int, count: int) -> FakePage:
        posts = sorted(self.blogs.get(node, {}).values(), key=lambda p: (p.published, p.item_id),
                       reverse=True)
        chunk = tuple(posts[start:start + count])
        more = start + count < len(posts)
        return FakePage(node, chunk, FakeCursor(start + len(chunk)) if more else None)

    async def fetch_latest(self, node: NodeRef, count: int = 20, *, deliver: bool = True):
        self.fetches.append(("fetch_latest", node))
        page = self._page(node, 0, count)
        if deliver and page.posts:
            self.emit(PostsReceived(page.posts, live=False))
        return page

    async def fetch_older(self, node: NodeRef, cursor: FakeCursor, count: int = 20):
        self.fetches.append(("fetch_older", node))
        return self._page(node, cursor.delivered, count)

    @staticmethod
    def cursor(text: str) -> FakeCursor:
        return FakeCursor.decode(text)

    async def follow_own_blog(self) -> bool:
        return True

    async def follow(self, node: NodeRef):  # type: ignore[no-untyped-def]
        self.calls.append(("follow", node))

    async def unfollow(self, node: NodeRef) -> None:
        self.calls.append(("unfollow", node))

    async def subscribers(self, node: NodeRef | None = None) -> list[str]:
        return []

    async def access_model(self, node: NodeRef | None = None) -> str:
        return self.audience

    async def comments(self, post: Post, limit: int = 500) -> list[Post]:
        if post.comments is None:
            return []
        return sorted(self.blogs.get(post.comments, {}).values(), key=lambda p: p.published)

    async def fetch_post(self, ref: PostRef) -> Post | None:
        self.calls.append(("fetch_post", ref))
        return self.blogs.get(ref.node_ref, {}).get(ref.item)

    async def like(self, post: Post, heart_comment: Post | None = None) -> str:
        self.calls.append(("like", post.ref))
        if self.likes_as == "attachment":  # the post has an attachments node (XEP-0470)
            self.noticed.setdefault(post.key, set()).add(self.jid)
            return "attachment"
        if heart_comment is not None:
            await self.publish_comment(replace(heart_comment))
        return "comment"

    # Finding blogs (issue 14): what discovery would find
    feeds_found: dict[str, list] = field(default_factory=dict)  # service -> FeedInfo list

    async def pubsub_services(self) -> list[str]:
        return sorted(s for s in self.feeds_found if s != "contacts")

    async def service_feeds(self, service: str) -> list:
        self.calls.append(("service_feeds", service))
        return list(self.feeds_found.get(service, []))

    async def contacts_blogs(self) -> list:
        return list(self.feeds_found.get("contacts", []))

    # Likes (issue 18): XEP-0470 "noticed" attachments by post key, as a server holds them
    noticed: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)

    async def reactions(self, post: Post):  # type: ignore[no-untyped-def]
        from xmppsocial.xmpp.reactions import Reactions

        return Reactions(frozenset(self.noticed.get(post.key, set())),
                         tuple(await self.comments(post)))

    async def unlike(self, post: Post) -> list[PostRef]:
        self.calls.append(("unlike", post.ref))
        if self.jid in self.noticed.get(post.key, set()):
            self.noticed[post.key].discard(self.jid)
            return [post.ref]
        return []

    # Audience (issue 18): the blog's setting
    audience: str = "open"

    async def set_audience(self, access: str, node: NodeRef | None = None) -> int:
        self.calls.append(("set_audience", access))
        self.audience = access
        return 0

    # Reconnecting and the outbox (issue 17), as the TUI drives them
    phase_value: str = "online"
    next_attempt: float | None = None
    retries: int = 0
    refuse: object = None  # a ServiceError every publish raises, when set

    @property
    def phase(self):  # type: ignore[no-untyped-def]
        from xmppsocial.reconnect import Phase

        return Phase(self.phase_value)

    def retry_now(self) -> None:
        self.retries += 1

    @property
    def client(self):  # type: ignore[no-untyped-def]
        """What flush_outbox asks of the client: whether the stream is up."""
        service = self

        class _Client:
            def is_connected(self) -> bool:
                return service.state is ConnectionState.ONLINE

        return _Client()

    async def publish_entry(self, node: NodeRef, item_id: str, entry, access=None) -> str:  # type: ignore[no-untyped-def]
        self.calls.append(("publish_entry", (node, item_id)))
        if self.refuse is not None:
            raise self.refuse  # type: ignore[misc]
        return item_id
