"""The social graph kept in step with the account: follows on every connect, followers,
contacts' public follow lists, and activity on our recent posts.

XmppService owns one GraphSync. After each (re)connection, before the resync reads the
followed nodes, ``after_connect`` merges the cache's follows with the account's lists
(follow_merge.py) and repairs either side; the rest (followers, watching our newest posts
for comments and likes) runs in the background and reports through the service's sink.
Without a book (the cache) there is nothing to merge with, and only pushes are read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from xmppsocial import follow_merge
from xmppsocial.events import (
    AttachmentsReceived,
    FollowersListed,
    FollowsSynced,
    PublicFollowsReceived,
)
from xmppsocial.model import ConnectionState, NodeRef, Post, PostRef
from xmppsocial.uris import parse_post_uri
from xmppsocial.xmpp import follow_lists, following, nodes, reactions, reading
from xmppsocial.xmpp.follow_lists import PRIVATE_LIST, PUBLIC_LIST
from xmppsocial.xmpp.iq import ServiceError

if TYPE_CHECKING:
    from xmppsocial.xmpp.operations import Operations
    from xmppsocial.xmpp.pushes import Push
    from xmppsocial.xmpp.service import XmppService

log = logging.getLogger(__name__)

WATCHED_POSTS = 10  # our newest posts whose comments and likes are watched on connect
CONCURRENCY = 16    # requests in flight while checking subscriptions
INTERESTS = (PUBLIC_LIST, PRIVATE_LIST)  # contacts' public lists; our own lists' changes


class FollowBook(Protocol):
    """What the merge needs from the cache (xmppsocial.store.Store has it)."""

    def follows(self) -> dict[NodeRef, bool]: ...

    def follow_base(self) -> dict[NodeRef, bool]: ...

    def set_follow_base(self, base: dict[NodeRef, bool]) -> None: ...

    def unverified_follows(self) -> set[NodeRef]: ...

    def set_followed(self, node: NodeRef, followed: bool, public: bool | None = None) -> None:
        ...

    def note_on_account(self, node: NodeRef, public: bool | None) -> None: ...


# ---------------------------------------------------------------------- one follow
async def _ready(ops: Operations, list_node: str) -> None:
    # Checked once per connection, like our blog nodes (Operations.forget_nodes).
    me = ops.client.boundjid.bare
    if (me, list_node) not in ops._ensured:
        await follow_lists.ensure_list(ops.client, me, list_node)
        ops._ensured[(me, list_node)] = nodes.NodeConfig(
            follow_lists.list_config(list_node)["pubsub#access_model"], "max")


def _expect(ops: Operations, list_node: str, ids: list[str], action: str) -> None:
    """Tell the service that pushes of our own list change are coming back (no merge)."""
    graph = getattr(ops, "graph", None)
    if graph is not None:
        for item in ids:
            graph.expect(list_node, item, action)


async def record_follow(ops: Operations, node: NodeRef, public: bool,
                        in_public: bool = True) -> None:
    """Write our follow of ``node`` on the account: in the private list always, in the public
    list when ``public`` (and out of it otherwise, when ``in_public`` says it may be there)."""
    me = ops.client.boundjid.bare
    ours = [follow_lists.item_id(node, me)]
    await _ready(ops, PRIVATE_LIST)
    _expect(ops, PRIVATE_LIST, ours, "publish")
    await follow_lists.add(ops.client, me, node, PRIVATE_LIST)
    if public:
        await _ready(ops, PUBLIC_LIST)
        _expect(ops, PUBLIC_LIST, ours, "publish")
        await follow_lists.add(ops.client, me, node, PUBLIC_LIST)
    elif in_public:
        _expect(ops, PUBLIC_LIST, ours, "retract")
        await follow_lists.remove(ops.client, me, node, PUBLIC_LIST)


async def erase_follow(ops: Operations, node: NodeRef, private_ids: list[str] | None = None,
                       public_ids: list[str] | None = None) -> None:
    """Take ``node`` out of both lists: our id for it, and the ids given, or (None) those
    found in the list, since another client may have written it under another id."""
    me = ops.client.boundjid.bare
    ours = follow_lists.item_id(node, me)
    for list_node, ids in ((PRIVATE_LIST, private_ids), (PUBLIC_LIST, public_ids)):
        if ids is None:
            ids = (await follow_lists.read_list(ops.client, me, list_node)).get(node, [])
        _expect(ops, list_node, [ours, *ids], "retract")
        await follow_lists.remove(ops.client, me, node, list_node, ids)


# ---------------------------------------------------------------------- the merge
async def sync_follows(ops: Operations, book: FollowBook, subscribe: bool = True
                       ) -> FollowsSynced:
    """Merge the cache's follows with the account's lists and make both hold the result;
    with ``subscribe``, also make sure each follow has its subscription (subscribe_all).

    Raises ServiceError when a list cannot be read: an unreadable list is never taken for
    an empty one (that would unfollow everything).
    """
    me = ops.client.boundjid.bare
    private = await follow_lists.read_list(ops.client, me, PRIVATE_LIST)
    public = await follow_lists.read_list(ops.client, me, PUBLIC_LIST)
    account = {n: n in public for n in (*private, *public) if follow_lists.is_feed(n)}
    here = book.follows()
    plan = follow_merge.plan(account, here, book.follow_base(), book.unverified_follows())
    problems: list[str] = []
    live = await _gather(ops, [(n, _live_subscription(ops, n)) for n in plan.verify])
    for node, public_flag in plan.verify.items():
        if live.get(node) is True:  # this account's own follow, from the shared cache
            plan.wanted[node] = public_flag
            plan.follow_here[node] = public_flag
        else:
            plan.unfollow_here.append(node)
    held = dict(account)
    written: list[NodeRef] = []
    for node in [n for n in account if n not in plan.wanted]:
        try:
            await erase_follow(ops, node, private.get(node, []), public.get(node, []))
            del held[node]
        except ServiceError as exc:
            problems.append(f"{_name(node)}: could not be removed from your account ({exc})")
    for node, public_flag in plan.wanted.items():
        if node in private and public_flag == (node in public):
            continue
        try:
            await record_follow(ops, node, public_flag, in_public=node in public)
            held[node] = public_flag
            if node not in account:
                written.append(node)
        except ServiceError as exc:
            problems.append(f"{_name(node)}: could not be written to your account ({exc})")
    for node, public_flag in plan.follow_here.items():
        book.set_followed(node, True, public_flag)
    for node in plan.unfollow_here:
        book.set_followed(node, False)
        try:
            await following.unsubscribe(ops.client, node)
        except ServiceError as exc:
            log.info("unsubscribing from %s, unfollowed elsewhere: %s", node, exc)
    if subscribe:
        problems += await subscribe_all(ops, list(plan.wanted))
    book.set_follow_base(held)
    return FollowsSynced(tuple(n for n in plan.follow_here if n not in here),
                         tuple(plan.unfollow_here), tuple(written), tuple(problems))


async def subscribe_all(ops: Operations, follows: list[NodeRef]) -> list[str]:
    """Subscribe to each followed node: a listed follow without a live subscription (made by
    a client that only wrote the list, or lost by the server) is followed again. Returns
    what could not be, in a person's words."""
    outcomes = await _gather(ops, [(n, _ensure_subscribed(ops, n)) for n in follows])
    return [f"{_name(node)}: cannot follow ({outcome})" for node, outcome in outcomes.items()
            if isinstance(outcome, ServiceError)]


async def _live_subscription(ops: Operations, node: NodeRef) -> bool:
    """Whether the account is subscribed to ``node`` (pending counts).

    Asked at a person's JID, ejabberd 23.01 lists our subscriptions to every PEP node of
    that name, anyone's. There, subscribing tells: it answers with the subscription id we
    already hold, or makes a new one, which is taken back at once.
    """
    subs = await following.my_subscriptions(ops.client, node.service, node.node)
    held = {s.subid for s in subs if s.state in ("subscribed", "pending", "unconfigured")}
    if not held or None in held:
        return bool(held)
    made = await following.subscribe(ops.client, node)
    if made.subid in held:
        return True
    await following.unsubscribe(ops.client, node)
    return False


async def _ensure_subscribed(ops: Operations, node: NodeRef) -> bool:
    # Subscribing again is harmless on both servers (the same subscription comes back),
    # and asking first is no cheaper: ejabberd's answer names no owner (_live_subscription).
    await following.subscribe(ops.client, node)
    return True


async def _gather(ops: Operations, work: list[tuple[NodeRef, object]]) -> dict[NodeRef, object]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(coro):  # type: ignore[no-untyped-def]
        async with gate:
            return await coro

    results = await asyncio.gather(*(one(c) for _, c in work), return_exceptions=True)
    out: dict[NodeRef, object] = {}
    for (node, _), result in zip(work, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(result, ServiceError):
            raise result
        out[node] = result
    return out


def _name(node: NodeRef) -> str:
    return node.service if node.node == "urn:xmpp:microblog:0" else f"{node.service} {node.node}"


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

    results = await _gather(ops, [(NodeRef(j), one(j)) for j in contacts])
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
