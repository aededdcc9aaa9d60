"""The social-feed requests of XmppService, as model-level coroutines.

Separate from service.py so the connection lifecycle and the protocol
operations each stay readable on their own.
"""

from __future__ import annotations

import asyncio
import logging
import xml.etree.ElementTree as ET
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xmppsocial.model import COMMENTS_NODE_PREFIX, MICROBLOG_NODE, NodeRef, Post, PostRef
from xmppsocial.xmpp import (
    attachments,
    discovery,
    follow_lists,
    following,
    graph_sync,
    nodes,
    publishing,
    reactions,
    reading,
    refusals,
)
from xmppsocial.xmpp.iq import ServiceError
from xmppsocial.xmpp.reactions import Reactions
from xmppsocial.xmpp.reading import Cursor, RawItem

if TYPE_CHECKING:
    from xmppsocial.xmpp.client import SocialClient
    from xmppsocial.xmpp.graph_watch import GraphSync
    from xmppsocial.xmpp.pushes import Deduper

ATOM_NS = "http://www.w3.org/2005/Atom"
log = logging.getLogger(__name__)


class NotRecorded(ServiceError):
    """The follow or unfollow took effect, but the account's follow list refused it."""


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
    graph: GraphSync  # XmppService's
    # Public, as in the TUI and as Movim's Follow button assumes; chosen when the blog
    # is created, changed only by set_audience.
    default_access = "open"

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
        from xmppsocial.content.microblog import EntryError, parse_entry

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

    @staticmethod
    def cursor(text: str) -> Cursor:
        """A page cursor kept as text (``FeedPage.cursor.encode()``), usable again."""
        return Cursor.decode(text)

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
                           precondition: bool = True, likeable: bool = True) -> str:
        """Publish or edit ``post`` where its (service, node) says; returns the item id.

        On a node we own, the node is first made to exist and keep every post.
        If ``access`` differs from the existing node's audience nothing is
        published and AccessModelMismatch says so: the audience of a blog is
        changed only by set_audience, on the user's word. The audience we know is
        also sent as a publish precondition, in case another client changed it
        since; when it did, the post follows the blog's new audience (unless
        ``access`` asked for another). ``precondition=False`` leaves the form out,
        for the items of a bulk publish after the first has checked it (the form
        costs a seventh of an import's time). A missing node on a pubsub service is
        created where the service allows it. Every post gets its attachments node
        (XEP-0470), so that anyone who can read it can like it, unless ``likeable`` is
        False: on Prosody each new node costs time in proportion to the nodes the account
        has, so a bulk import makes them for its newest posts only.
        """
        from xmppsocial.content.entry_writer import build_entry

        return await self._publish(post.ref.node_ref, post.item_id, build_entry(post), access,
                                   precondition=precondition, likeable=likeable)

    async def publish_entry(self, node: NodeRef, item_id: str, entry: ET.Element,
                            access: str | None = None) -> str:
        """Publish a ready entry as is (outbox replays, imports of other clients' XML).
        ``access`` is only used if the blog has to be created."""
        return await self._publish(node, item_id, entry, access, precondition=False,
                                   strict=False)

    async def _publish(self, node: NodeRef, item_id: str, entry: ET.Element,
                       access: str | None, *, precondition: bool, strict: bool = True,
                       likeable: bool = True) -> str:
        self._require_online()
        if node.is_comments:
            return await publishing.publish(self.client, node.service, node.node, item_id,
                                            entry)
        options = None
        audience = access
        if self._owns(node.service):
            config = await self._ensure(node.service, node.node, access or self.default_access)
            if strict and access and config.access_model and config.access_model != access:
                raise publishing.AccessModelMismatch(config.access_model, access)
            audience = config.access_model or audience
            if config.access_model and precondition:
                options = {"pubsub#access_model": config.access_model}
        elif "@" not in node.service and (node.service, node.node) not in self._ensured:
            # ejabberd would autocreate a missing node with its defaults (no social-feed
            # type, few items kept): make it ourselves, once per node and session.
            created = await nodes.ensure_on_service(self.client, node.service, node.node,
                                                    access or self.default_access)
            audience = audience or created
            self._ensured[(node.service, node.node)] = nodes.NodeConfig(created, "")
        try:
            kept = await publishing.publish(self.client, node.service, node.node, item_id,
                                            entry, options)
        except ServiceError as exc:
            if exc.has("precondition-not-met") and options:
                # The audience changed elsewhere since we read it: read it again.
                self._ensured.pop((node.service, node.node), None)
                config = await self._ensure(node.service, node.node,
                                            access or self.default_access)
                if strict and access and config.access_model != access:
                    raise publishing.AccessModelMismatch(config.access_model, access) from None
                audience = config.access_model
                options = {"pubsub#access_model": audience} if audience else None
            elif exc.has("item-not-found") and "@" not in node.service:
                audience = access or self.default_access
                await nodes.create_on_service(self.client, node.service, node.node, audience)
            else:
                raise
            kept = await publishing.publish(self.client, node.service, node.node, item_id,
                                            entry, options)
        if not likeable:
            return kept
        if not audience:
            try:  # a node on a service: its owner may tell us its audience
                audience = (await nodes.get_config(self.client, node.service,
                                                   node.node)).access_model
            except ServiceError:
                return kept  # we may only publish there: creating nodes is not for us
        await attachments.create_for(self.client, PostRef(node.service, node.node, kept),
                                     audience)
        return kept

    async def retract(self, ref: PostRef) -> None:
        self._require_online()
        await publishing.retract(self.client, ref.service, ref.node, ref.item)

    def forget_nodes(self) -> None:
        """After a reconnection the server may have lost or changed nodes: check again."""
        self._ensured.clear()

    def _owns(self, service: str) -> bool:
        return service == self.client.boundjid.bare

    # ------------------------------------------------------------------ following
    follows_public = False  # whether a follow goes to the public list unless said otherwise

    async def follow(self, node: NodeRef, public: bool | None = None, *,
                     strict: bool = False) -> following.Subscription:
        """Follow ``node``: the subscription, then the follow written on the account in
        Movim's lists (graph_sync.record_follow) so other clients and caches see it. If the
        account cannot record it the next connect does; ``strict`` raises NotRecorded."""
        self._require_online()
        async with self.graph.lock:  # never in the middle of a merge of the follow lists
            try:
                subscription = await following.subscribe(self.client, node)
            except ServiceError as exc:
                raise await refusals.explain_read(self.client, node, exc) from None
            if follow_lists.is_feed(node):
                public = self.follows_public if public is None else public
                if await self._on_account(graph_sync.record_follow(self, node, public), strict):
                    self.graph.recorded(node, public)
        return subscription

    async def unfollow(self, node: NodeRef, *, strict: bool = False) -> None:
        """Stop following: the subscription and both list items go."""
        self._require_online()
        async with self.graph.lock:
            await following.unsubscribe(self.client, node)
            if follow_lists.is_feed(node):
                if await self._on_account(graph_sync.erase_follow(self, node), strict):
                    self.graph.recorded(node, None)

    async def _on_account(self, work: Coroutine[object, object, None], strict: bool) -> bool:
        """Whether the account's follow lists took the change."""
        try:
            await work
        except ServiceError as exc:
            log.info("follow list not updated on the account: %s", exc)
            if strict:
                raise NotRecorded(exc.condition, exc.pubsub, exc.text) from None
            return False
        return True

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
        """Who may read the blog (default: ours), as a PubSub access model; "" when the
        blog does not exist yet."""
        self._require_online()
        target = node or NodeRef(self.client.boundjid.bare, MICROBLOG_NODE)
        try:
            return (await nodes.get_config(self.client, target.service,
                                           target.node)).access_model
        except ServiceError as exc:
            if exc.has("item-not-found") and self._owns(target.service):
                return ""
            raise

    async def set_audience(self, access: str, node: NodeRef | None = None) -> int:
        """Make the blog (default: ours) readable by ``access`` ("open" or "presence"),
        creating it when it does not exist yet; its posts' attachments nodes follow, so
        that who liked what is never shown wider than the posts. The blog's audience is a
        setting of the blog, changed only here, on the user's word. Returns how many
        attachments nodes were changed."""
        self._require_online()
        target = node or NodeRef(self.client.boundjid.bare, MICROBLOG_NODE)
        self._ensured.pop((target.service, target.node), None)
        config = await self._ensure(target.service, target.node, access)
        if config.access_model != access:
            await nodes.set_access(self.client, target.service, target.node, access)
            self._ensured.pop((target.service, target.node), None)
        return await attachments.set_audience(self.client, target.service, target.node,
                                               access)

    async def set_access(self, access: str, node: NodeRef | None = None) -> None:
        await self.set_audience(access, node)

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
                return await self._watching(NodeRef(service, name))
            except ServiceError as exc:
                if not (exc.has("forbidden") or exc.has("not-allowed")
                        or exc.has("not-authorized") or exc.has("feature-not-implemented")):
                    raise
        own = self.client.boundjid.bare
        await nodes.create(self.client, own, name, nodes.comments_config())
        return await self._watching(NodeRef(own, name))

    async def _watching(self, comments: NodeRef) -> NodeRef:
        """Subscribe the author to the comments of their new post, so comments reach them
        live (neither server subscribes the creator of a node by itself)."""
        try:
            await following.subscribe(self.client, comments)
        except ServiceError as exc:
            log.info("not subscribed to %s: %s", comments, exc)
        return comments

    async def comments(self, post: Post, limit: int = 500) -> list[Post]:
        """Comments of a post, oldest first (likes included; callers split them). None
        when its comments node does not exist: Libervia links one even when its server
        refused to create it."""
        if post.comments is None:
            return []
        try:
            page = await self.fetch_latest(post.comments, limit, deliver=False)
        except ServiceError as exc:
            if exc.has("item-not-found"):
                return []
            raise
        return sorted(page.posts, key=lambda p: (p.published, p.item_id))

    async def publish_comment(self, comment: Post) -> str:
        """Publish a comment (an entry whose service/node is the parent's comments node)."""
        from xmppsocial.content.entry_writer import build_entry

        self._require_online()
        return await publishing.publish(self.client, comment.service, comment.node,
                                        comment.item_id, build_entry(comment))

    async def follow_comments(self, post: Post) -> None:
        """Get live comments on a post (Movim subscribes authors to their comments nodes)."""
        if post.comments is not None:
            await self.follow(post.comments)

    # ------------------------------------------------------------------ likes
    async def reactions(self, post: Post) -> Reactions:
        """Who liked a post, as the network says now: XEP-0470 "noticed" attachments, and
        the comments (Movim's likes are "♥" comments among them)."""
        self._require_online()
        noticed, comments = await asyncio.gather(
            attachments.likers(self.client, post.ref), self._readable_comments(post))
        return Reactions(frozenset(noticed), tuple(comments))

    async def _readable_comments(self, post: Post) -> list[Post]:
        """The comments, or none when the node is missing or closed to us (a post whose
        client linked a comments node it could not create: Libervia on Prosody)."""
        try:
            return await self.comments(post)
        except ServiceError as exc:
            if any(exc.has(name) for name in attachments.NOTHING_THERE):
                return []
            raise

    async def likers(self, post: Post) -> set[str]:
        """Bare JIDs who liked a post, each person counted once (see Reactions)."""
        return set((await self.reactions(post)).likers)

    async def like(self, post: Post, heart_comment: Post | None = None) -> str:
        """Like with XEP-0470 where the post has an attachments node, else with the
        given "♥" comment (built by the caller, who knows our name). Returns how:
        "attachment" or "comment" (store.likes.record_like keeps exactly that)."""
        self._require_online()
        try:
            await attachments.notice(self.client, post.ref)
            return "attachment"
        except ServiceError as exc:
            # Never create someone else's attachments node (XEP-0470 §4.1.1).
            if not (exc.has("item-not-found") or exc.has("forbidden")):
                raise
        if heart_comment is None or post.comments is None:
            raise ServiceError("not-allowed", text="this post takes no likes from you: "
                               "its likes are closed to you and it has no comments")
        me = self.client.boundjid.bare
        if any(c.is_like and c.author.jid == me for c in await self._readable_comments(post)):
            return "comment"  # liked already: Movim counts one heart per person anyway
        try:
            await self.publish_comment(heart_comment)
        except ServiceError as exc:
            if not (exc.has("item-not-found") or exc.has("forbidden")):
                raise
            raise ServiceError("not-allowed", text="this post takes no likes from you: its "
                               "likes are closed to you and its comments node refuses "
                               "you or is missing") from None
        return "comment"

    async def unlike(self, post: Post) -> list[PostRef]:
        """Take my like back, in whichever form it was given. Returns the "♥" comments
        retracted; an XEP-0470 like taken back counts as the post's own ref.
        ServiceError forbidden when the server keeps my "♥" comment (Prosody lets only
        a node's owner delete items)."""
        self._require_online()
        undone: list[PostRef] = []
        if await attachments.unnotice(self.client, post.ref):
            undone.append(post.ref)
        me = self.client.boundjid.bare
        for heart in [c for c in await self._readable_comments(post)
                      if c.is_like and c.author.jid == me]:
            await publishing.retract(self.client, heart.service, heart.node, heart.item_id)
            undone.append(heart.ref)
        return undone

    async def create_attachments_node(self, post: Post) -> None:
        """For our own posts: let Libervia users react (same audience, open publishing).
        publish_post does this for every post; this is for posts published before."""
        self._require_online()
        access = (await nodes.get_config(self.client, post.service, post.node)).access_model
        await attachments.create_for(self.client, post.ref, access or self.default_access)

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

    async def service_feeds(self, service: str) -> list[discovery.FeedInfo]:
        """The feeds (communities) a pubsub service lists, to browse and follow."""
        self._require_online()
        return await discovery.service_feeds(self.client, service)

    async def contacts_blogs(self) -> list[discovery.FeedInfo]:
        """Roster contacts whose blog exists and is readable to us."""
        self._require_online()
        if not getattr(self.client, "present", True):
            await self.client.get_roster(timeout=30)
        roster, me = self.client.client_roster, self.client.boundjid.bare
        contacts = [(jid, roster[jid]["name"] or "") for jid in roster if jid != me]
        return await discovery.contacts_blogs(self.client, sorted(contacts))
