"""The social-feed requests of XmppService, as model-level coroutines.

Separate from service.py so the connection lifecycle and the protocol
operations each stay readable on their own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xmppsocial.model import COMMENTS_NODE_PREFIX, MICROBLOG_NODE, NodeRef, Post, PostRef
from xmppsocial.xmpp import discovery, following, nodes, publishing, reactions, reading, refusals
from xmppsocial.xmpp.iq import ServiceError
from xmppsocial.xmpp.reading import Cursor, RawItem

if TYPE_CHECKING:
    from xmppsocial.xmpp.client import SocialClient
    from xmppsocial.xmpp.pushes import Deduper

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class FeedPage:
    """Posts of one node, newest first, and where the next older page starts."""

    node: NodeRef
    posts: tuple[Post, ...]
    cursor: Cursor | None


class Operations:
    """Blog, follow, comment and like operations over one connected client."""

    client: SocialClient
    dedupe: Deduper
    default_access = "presence"

    def __init__(self, client: SocialClient) -> None:
        self.client = client
        # Nodes already made to keep every post, with their config: one check per node,
        # not one per publish.
        self._ensured: dict[tuple[str, str], nodes.NodeConfig] = {}

    async def _ensure(self, service: str, node: str, access: str) -> nodes.NodeConfig:
        config = self._ensured.get((service, node))
        if config is None:
            config = await nodes.ensure_blog(self.client, service, node, access)
            self._ensured[(service, node)] = config
        return config

    # Implemented by XmppService; declared here for the type checker.
    def reject(self, ref: PostRef, reason: str) -> None:
        raise NotImplementedError

    def deliver(self, posts: list[Post], live: bool) -> None:
        raise NotImplementedError

    def _require_online(self) -> None:
        if not self.client.is_connected():
            raise ServiceError("offline", text="not connected")

    # ------------------------------------------------------------------ reading
    def read_items(self, node: NodeRef, items: list[RawItem] | tuple[RawItem, ...],
                   live: bool) -> list[Post]:
        """Parse Atom payloads into posts; pushes already seen are dropped when live."""
        from xmppsocial.microblog import EntryError, parse_entry

        posts = []
        for item in items:
            if item.payload is None or item.payload.tag != f"{{{ATOM_NS}}}entry":
                continue
            raw = ET.tostring(item.payload, encoding="unicode")
            first = self.dedupe.first_time(node.service, node.node, item.item_id, raw)
            if live and not first:
                continue
            try:
                posts.append(parse_entry(item.payload, service=node.service, node=node.node,
                                         item_id=item.item_id, publisher=item.publisher,
                                         raw=raw))
            except EntryError as exc:
                self.reject(PostRef(node.service, node.node, item.item_id), str(exc))
        return posts

    async def fetch_latest(self, node: NodeRef, count: int = 20, *,
                           deliver: bool = True) -> FeedPage:
        """The newest ``count`` posts of a node (also handed to the sink when ``deliver``)."""
        self._require_online()
        try:
            page = await reading.latest(self.client, node.service, node.node, count)
        except ServiceError as exc:
            raise await refusals.explain_read(self.client, node, exc) from None
        posts = self.read_items(node, page.items, live=False)
        if deliver:
            self.deliver(posts, live=False)
        return FeedPage(node, tuple(posts), page.cursor)

    async def fetch_older(self, node: NodeRef, cursor: Cursor, count: int = 20) -> FeedPage:
        self._require_online()
        try:
            page = await reading.older(self.client, node.service, node.node, cursor, count)
        except ServiceError as exc:
            raise await refusals.explain_read(self.client, node, exc) from None
        return FeedPage(node, tuple(self.read_items(node, page.items, live=False)), page.cursor)

    async def fetch_by_ids(self, node: NodeRef, ids: list[str]) -> list[Post]:
        self._require_online()
        try:
            items = await reading.by_ids(self.client, node.service, node.node, ids)
        except ServiceError as exc:
            raise await refusals.explain_read(self.client, node, exc) from None
        return self.read_items(node, items, live=False)

    async def fetch_post(self, ref: PostRef) -> Post | None:
        posts = await self.fetch_by_ids(ref.node_ref, [ref.item])
        return posts[0] if posts else None

    # ------------------------------------------------------------------ writing
    async def publish_post(self, post: Post, access: str | None = None, *,
                           precondition: bool = True) -> str:
        """Publish or edit ``post`` where its (service, node) says; returns the item id.

        On a node we own, the node is first made to exist and keep every post.
        If ``access`` differs from the existing node's audience nothing is
        published and AccessModelMismatch says so: the audience of a blog is
        changed only by set_access, on the user's word. The audience we know is
        also sent as a publish precondition, in case another client changed it
        since; ``precondition=False`` leaves that out, for the items of a bulk
        publish after the first has checked it (the form costs a seventh of an
        import's time).
        """
        from xmppsocial.microblog import build_entry

        self._require_online()
        options = None
        if self._owns(post.service):
            config = await self._ensure(post.service, post.node, access or self.default_access)
            if access and config.access_model and config.access_model != access:
                raise publishing.AccessModelMismatch(config.access_model, access)
            if config.access_model and precondition:
                options = {"pubsub#access_model": config.access_model}
        return await publishing.publish(self.client, post.service, post.node, post.item_id,
                                        build_entry(post), options)

    async def publish_entry(self, node: NodeRef, item_id: str, entry: ET.Element,
                            access: str | None = None) -> str:
        """Publish a ready entry as is (outbox replays, imports of other clients' XML).
        ``access`` is only used if the blog has to be created."""
        self._require_online()
        if self._owns(node.service) and not node.is_comments:
            # Never let the server autocreate a one-item node under our posts.
            await self._ensure(node.service, node.node, access or self.default_access)
        return await publishing.publish(self.client, node.service, node.node, item_id, entry)

    async def retract(self, ref: PostRef) -> None:
        self._require_online()
        await publishing.retract(self.client, ref.service, ref.node, ref.item)

    def forget_nodes(self) -> None:
        """After a reconnection the server may have lost or changed nodes: check again."""
        self._ensured.clear()

    def _owns(self, service: str) -> bool:
        return service == self.client.boundjid.bare

    # ------------------------------------------------------------------ following
    async def follow(self, node: NodeRef) -> following.Subscription:
        self._require_online()
        try:
            return await following.subscribe(self.client, node)
        except ServiceError as exc:
            raise await refusals.explain_read(self.client, node, exc) from None

    async def unfollow(self, node: NodeRef) -> None:
        self._require_online()
        await following.unsubscribe(self.client, node)

    async def subscriptions_at(self, service: str) -> list[following.Subscription]:
        self._require_online()
        return await following.my_subscriptions(self.client, service)

    async def subscribers(self, node: NodeRef | None = None) -> list[str]:
        """Bare JIDs following ``node`` (default: our blog). Raises following.Unsupported."""
        self._require_online()
        target = node or NodeRef(self.client.boundjid.bare, MICROBLOG_NODE)
        try:
            return [s.jid for s in await following.subscribers(self.client, target)]
        except ServiceError as exc:
            if exc.condition == "item-not-found" and target.service == self.client.boundjid.bare:
                return []  # we have not posted yet: no blog, so nobody follows it
            raise

    # ------------------------------------------------------------------ audience
    async def access_model(self, node: NodeRef | None = None) -> str:
        self._require_online()
        target = node or NodeRef(self.client.boundjid.bare, MICROBLOG_NODE)
        return (await nodes.get_config(self.client, target.service, target.node)).access_model

    async def set_access(self, access: str, node: NodeRef | None = None) -> None:
        self._require_online()
        target = node or NodeRef(self.client.boundjid.bare, MICROBLOG_NODE)
        await nodes.set_access(self.client, target.service, target.node, access)
        self._ensured.pop((target.service, target.node), None)

    # ------------------------------------------------------------------ comments
    async def create_comments_node(self, item_id: str) -> NodeRef:
        """Make the comments node for one of our posts: on the server's pubsub service
        when we may create nodes there, else on our own PEP account (both peers read
        the location from the post's replies link)."""
        self._require_online()
        name = COMMENTS_NODE_PREFIX + item_id
        for service in await discovery.pubsub_services(self.client):
            try:
                await nodes.create(self.client, service, name, nodes.comments_config())
                return NodeRef(service, name)
            except ServiceError as exc:
                if not (exc.has("forbidden") or exc.has("not-allowed")
                        or exc.has("not-authorized") or exc.has("feature-not-implemented")):
                    raise
        own = self.client.boundjid.bare
        await nodes.create(self.client, own, name, nodes.comments_config())
        return NodeRef(own, name)

    async def comments(self, post: Post, limit: int = 500) -> list[Post]:
        """Comments of a post, oldest first (likes included; callers split them)."""
        if post.comments is None:
            return []
        page = await self.fetch_latest(post.comments, limit, deliver=False)
        return sorted(page.posts, key=lambda p: (p.published, p.item_id))

    async def publish_comment(self, comment: Post) -> str:
        """Publish a comment (an entry whose service/node is the parent's comments node)."""
        from xmppsocial.microblog import build_entry

        self._require_online()
        return await publishing.publish(self.client, comment.service, comment.node,
                                        comment.item_id, build_entry(comment))

    async def follow_comments(self, post: Post) -> None:
        """Get live comments on a post (Movim subscribes authors to their comments nodes)."""
        if post.comments is not None:
            await self.follow(post.comments)

    # ------------------------------------------------------------------ likes
    async def likers(self, post: Post) -> set[str]:
        """Bare JIDs who liked a post: XEP-0470 "noticed" attachments and verified
        Movim "♥" comments, each person counted once."""
        self._require_online()
        who: set[str] = set()
        node = reactions.attachments_node(post.ref)
        try:
            reply = await reading.latest(self.client, post.service, node, 500)
            who |= reactions.noticed_by([(i.item_id, i.publisher, i.payload)
                                         for i in reply.items])
        except ServiceError as exc:
            if not (exc.has("item-not-found") or exc.has("forbidden")
                    or exc.has("feature-not-implemented")):
                raise
        for comment in await self.comments(post):
            # Prosody 0.12 hides item publishers on PEP (no itemreply option), so a like
            # whose publisher is unknown counts by its claimed author; a known publisher
            # that differs from the claim does not count.
            trusted = comment.author.verified or comment.publisher is None
            if comment.is_like and trusted and comment.author.jid:
                who.add(comment.author.jid)
        return who

    async def like(self, post: Post, heart_comment: Post | None = None) -> str:
        """Like with XEP-0470 where the post has an attachments node, else with the
        given "♥" comment (built by the caller, who knows our name). Returns how."""
        self._require_online()
        node = reactions.attachments_node(post.ref)
        me = self.client.boundjid.bare
        try:
            existing = await reading.by_ids(self.client, post.service, node, [me])
            payload = reactions.noticed_payload(existing[0].payload if existing else None)
            await publishing.publish(self.client, post.service, node, me, payload)
            return "attachment"
        except ServiceError as exc:
            # Never create someone else's attachments node (XEP-0470 §4.1.1).
            if not (exc.has("item-not-found") or exc.has("forbidden")):
                raise
        if heart_comment is None or post.comments is None:
            raise ServiceError("feature-not-implemented",
                               text="this post accepts neither likes nor comments")
        await self.publish_comment(heart_comment)
        return "comment"

    async def create_attachments_node(self, post: Post) -> None:
        """For our own posts: let Libervia users react (same audience, open publishing)."""
        self._require_online()
        access = (await nodes.get_config(self.client, post.service, post.node)).access_model
        await nodes.create(self.client, post.service, reactions.attachments_node(post.ref), [
            {"pubsub#access_model": access or "presence", "pubsub#publish_model": "open",
             "pubsub#max_items": "max"}])

    # ------------------------------------------------------------------ discovery
    async def blogs_of(self, jid: str) -> list[NodeRef]:
        """The social feeds a person or service exposes to us."""
        self._require_online()
        return [NodeRef(jid, node) for node in await discovery.blog_nodes(self.client, jid)
                if node == MICROBLOG_NODE or not node.startswith(
                    (COMMENTS_NODE_PREFIX, reactions.ATTACHMENTS_PREFIX))]

    async def pubsub_services(self) -> list[str]:
        self._require_online()
        return await discovery.pubsub_services(self.client)
