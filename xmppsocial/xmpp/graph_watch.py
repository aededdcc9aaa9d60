"""What the service does for the social graph besides merging follows: followers,
contacts' public follow lists, watching our newest posts for comments and likes, the
graph's pushes, and GraphSync, which runs all of it after each (re)connection.

XmppService owns one GraphSync. Before the resync reads the followed nodes,
``after_connect`` merges the cache's follows with the account's lists (graph_sync.py);
the rest runs in the background and reports through the service's sink. Without a book
(the cache) there is nothing to merge with, and only pushes are read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from xmppsocial.events import (
    AttachmentsReceived,
    FollowersListed,
    FollowsSynced,
    PublicFollowsReceived,
)
from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef
from xmppsocial.uris import parse_post_uri
from xmppsocial.xmpp import follow_lists, following, reactions, reading
from xmppsocial.xmpp.follow_lists import PRIVATE_LIST, PUBLIC_LIST
from xmppsocial.xmpp.graph_sync import FollowBook, gather, subscribe_all, sync_follows
from xmppsocial.xmpp.iq import ServiceError

if TYPE_CHECKING:
    from xmppsocial.xmpp.operations import Operations
    from xmppsocial.xmpp.pushes import Push
    from xmppsocial.xmpp.service import XmppService

log = logging.getLogger(__name__)

WATCHED_POSTS = 10  # our newest posts whose comments and likes are watched on connect
INTERESTS = (PUBLIC_LIST, PRIVATE_LIST)  # contacts' public lists; our own lists' changes


# ---------------------------------------------------------------------- followers
async def list_followers(ops: Operations) -> FollowersListed:
    """Who follows our blog, where the server can tell."""
    me = ops.client.boundjid.bare
    blog = NodeRef(me)
    try:
        jids = await ops.subscribers(blog)
    except following.Unsupported:
        return FollowersListed(blog, (), False,
                               "this server cannot list who follows your blog (ejabberd's "
                               "PEP lacks it: ejabberd#4483)")
    return FollowersListed(blog, tuple(sorted({j for j in jids if j.lower() != me.lower()})))


async def contacts_public_lists(ops: Operations, contacts: list[str]
                                ) -> list[PublicFollowsReceived]:
    """The public follow lists of ``contacts`` (Movim's XEP-0330 lists; readable by
    contacts only). Lists we may not read are skipped."""
    async def one(jid: str) -> PublicFollowsReceived:
        listed = await follow_lists.read_list(ops.client, jid, PUBLIC_LIST)
        return PublicFollowsReceived(jid, tuple((i, n) for n, ids in listed.items()
                                                for i in ids), complete=True)

    results = await gather(ops, [(NodeRef(j), one(j)) for j in contacts])
    return [r for r in results.values() if isinstance(r, PublicFollowsReceived)]


async def roster_contacts(ops: Operations) -> list[str]:
    """Contacts whose presence we receive (their public list is readable to us)."""
    client = ops.client
    if not getattr(client, "present", True):
        await client.get_roster(timeout=30)
    me = client.boundjid.bare
    roster = client.client_roster
    return sorted(j for j in roster if j != me and roster[j]["subscription"] in ("to", "both"))


# ---------------------------------------------------------------------- our posts
async def watch_own_posts(service: XmppService, limit: int = WATCHED_POSTS) -> list[Post]:
    """Subscribe to the comments and attachments nodes of our newest posts and fetch what
    they hold, so activity while we were away becomes notifications. Returns the posts."""
    page = await service.fetch_latest(service.own_blog, limit)
    posts = [p for p in page.posts if not p.is_comment]
    await asyncio.gather(*(_watch(service, post) for post in posts))
    return posts


async def _watch(service: XmppService, post: Post) -> None:
    if post.comments is not None:
        try:
            await following.subscribe(service.client, post.comments)
            await service.fetch_latest(post.comments, 100)
        except ServiceError as exc:
            log.info("cannot watch the comments of %s: %s", post.ref, exc)
    attachments = NodeRef(post.service, reactions.attachments_node(post.ref))
    try:
        await following.subscribe(service.client, attachments)
        page = await reading.latest(service.client, attachments.service, attachments.node, 500)
    except ServiceError as exc:
        if not exc.has("item-not-found"):
            log.info("cannot watch the likes of %s: %s", post.ref, exc)
        return
    likers = reactions.noticed_by([(i.item_id, i.publisher, i.payload) for i in page.items])
    service.sink(AttachmentsReceived(post.ref, tuple(sorted(likers)), live=False))


# ---------------------------------------------------------------------- pushes
def graph_events(push: Push) -> list[object]:
    """Events of the graph in a push: a contact's public list, a post's attachments."""
    if push.node == PUBLIC_LIST:
        items = follow_lists.read_items(list(push.items))
        return [PublicFollowsReceived(push.service, tuple((i, n) for n, ids in items.items()
                                                          for i in ids), push.retracted)]
    if push.node.startswith(reactions.ATTACHMENTS_PREFIX):
        target = attachments_target(push.node)
        if target is None:
            return []
        likers = reactions.noticed_by([(i.item_id, i.publisher, i.payload) for i in push.items])
        # An item without "noticed" (reactions only) or a retraction takes the like back.
        unliked = {i.item_id for i in push.items if i.item_id not in likers} | set(push.retracted)
        return [AttachmentsReceived(target, tuple(sorted(likers)), tuple(sorted(unliked)))]
    return []


def attachments_target(node: str) -> PostRef | None:
    """The post an attachments node belongs to (its name is the post's URI)."""
    if not node.startswith(reactions.ATTACHMENTS_PREFIX):
        return None
    return parse_post_uri(node[len(reactions.ATTACHMENTS_PREFIX):])


ECHO_WINDOW = 60.0  # how long a push of our own list change may take to come back


class GraphSync:
    """The service's part for the graph: what runs after connecting, what pushes mean.

    ``lock`` serialises merges with the user's follows and unfollows, so that a merge
    never re-subscribes to what the user just left (Operations.follow takes it too).
    """

    def __init__(self, service: XmppService, book: FollowBook | None) -> None:
        self.service = service
        self.book = book
        self.lock = asyncio.Lock()
        self._rerun = False
        self._running: asyncio.Task[None] | None = None
        self._echoes: dict[tuple[str, str, str], float] = {}

    def recorded(self, node: NodeRef, public: bool | None) -> None:
        """A follow (``public`` its flag) or unfollow (None) the account now holds."""
        if self.book is not None:
            self.book.note_on_account(node, public)

    def expect(self, list_node: str, item_id: str, action: str) -> None:
        """A change of ours to a list: its push is an echo, not news from another client."""
        now = asyncio.get_running_loop().time()
        self._echoes = {k: t for k, t in self._echoes.items() if t > now}
        self._echoes[(list_node, item_id, action)] = now + ECHO_WINDOW

    def _is_echo(self, push: Push) -> bool:
        # Duplicates (bare and full JID) are echoes too: expectations are not used up.
        now = asyncio.get_running_loop().time()
        seen = [(push.node, i.item_id, "publish") for i in push.items]
        seen += [(push.node, i, "retract") for i in push.retracted]
        return bool(seen) and all(self._echoes.get(key, 0.0) > now for key in seen)

    async def after_connect(self) -> None:
        """Merge the follows now (the resync reads them next); the rest in the background."""
        if self.book is None:
            return
        # The resync waits for the merge (it fetches what is followed) but not for the
        # subscriptions, which already exist for nearly every follow.
        await self._sync(subscribe=False)
        self.service._spawn(self._background())

    async def _sync(self, subscribe: bool = True) -> None:
        assert self.book is not None
        try:
            async with self.lock:
                synced = await sync_follows(self.service, self.book, subscribe)
            self.service.sink(synced)
        except ServiceError as exc:
            log.info("follow lists not merged: %s", exc)
            self.service.sink(FollowsSynced(problems=(
                f"your follow lists could not be read from the account ({exc}); "
                "showing the cached ones",)))

    async def _background(self) -> None:
        """Followers (from contacts' public lists where the server cannot list them), then
        our newest posts' comments and likes; each step on its own, a failure skips one."""
        assert self.book is not None
        try:
            async with self.lock:
                problems = await subscribe_all(self.service, list(self.book.follows()))
            if problems:
                self.service.sink(FollowsSynced(problems=tuple(problems)))
        except ServiceError as exc:
            log.info("subscriptions not checked: %s", exc)
        try:
            listed = await list_followers(self.service)
            self.service.sink(listed)
            if not listed.supported:
                for event in await contacts_public_lists(self.service,
                                                         await roster_contacts(self.service)):
                    self.service.sink(event)
        except ServiceError as exc:
            log.info("followers not refreshed: %s", exc)
        try:
            await watch_own_posts(self.service)
        except ServiceError as exc:
            log.info("activity on our posts not refreshed: %s", exc)

    def take_push(self, push: Push) -> bool:
        """Handle a push that is the graph's; False when it is someone else's business."""
        if push.node in (PRIVATE_LIST, PUBLIC_LIST) and push.service == self.service.jid:
            if not self._is_echo(push):
                self._follows_changed()  # our lists changed in another client
            return True
        events = graph_events(push)
        for event in events:
            self.service.sink(event)  # type: ignore[arg-type]
        return bool(events) or push.node == PUBLIC_LIST

    def _follows_changed(self) -> None:
        if self.book is None:
            return
        if self._running is not None and not self._running.done():
            self._rerun = True  # changed again while merging: once more after this one
            return
        self._running = task = asyncio.get_running_loop().create_task(self._merge_again())
        self.service._tasks.add(task)  # cancelled with the service's other tasks on stop
        task.add_done_callback(self.service._tasks.discard)

    async def _merge_again(self) -> None:
        while self.service.state is ConnectionState.ONLINE:
            self._rerun = False
            await self._sync()
            if not self._rerun:
                return
