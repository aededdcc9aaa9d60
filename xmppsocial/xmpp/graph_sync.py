"""Follows kept in step with the account: one follow or unfollow written to Movim's lists,
and the merge of the cache's follows with those lists on every connect (follow_merge.py
decides, this module reads, writes and subscribes). graph_watch.py runs it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from xmppsocial import follow_merge
from xmppsocial.events import FollowsSynced
from xmppsocial.model import NodeRef
from xmppsocial.xmpp import follow_lists, following, nodes
from xmppsocial.xmpp.follow_lists import PRIVATE_LIST, PUBLIC_LIST
from xmppsocial.xmpp.iq import ServiceError

if TYPE_CHECKING:
    from xmppsocial.xmpp.operations import Operations

log = logging.getLogger(__name__)

CONCURRENCY = 16  # requests in flight while checking subscriptions


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
    private = await follow_lists.read_list_if_any(ops.client, me, PRIVATE_LIST)
    public = await follow_lists.read_list_if_any(ops.client, me, PUBLIC_LIST)
    base = book.follow_base()
    if private is None and public is None:
        # No list at all: never written, or the server lost them (a reset, a restore). An
        # unfollow elsewhere retracts items and leaves the lists, so nothing was unfollowed:
        # every follow here is kept and written back, never taken for gone.
        base = {}
    private, public = private or {}, public or {}
    # My own blog is not a follow (it is always read): never listed, nor taken from a list
    # an earlier release wrote it into.
    mine = NodeRef(me.lower())
    account = {n: n in public for n in (*private, *public)
               if follow_lists.is_feed(n) and n != mine}
    here = {n: p for n, p in book.follows().items() if n != mine}
    plan = follow_merge.plan(account, here, base, book.unverified_follows())
    problems: list[str] = []
    live = await gather(ops, [(n, _live_subscription(ops, n)) for n in plan.verify])
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
    outcomes = await gather(ops, [(n, _ensure_subscribed(ops, n)) for n in follows])
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


async def gather(ops: Operations, work: list[tuple[NodeRef, object]]) -> dict[NodeRef, object]:
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
