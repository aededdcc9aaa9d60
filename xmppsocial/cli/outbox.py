"""``xmppsocial outbox``: what waits to be sent, what failed and why; retry, edit, discard.

Listing needs no connection. ``retry`` makes a failed item pending again and sends the
outbox at once when the server can be reached; ``edit`` takes its text back into the
drafts (where the TUI composer opens it); ``discard`` drops it unsent.
"""

from __future__ import annotations

import argparse
import json

from xmppsocial.cli.session import (
    EXIT_CACHE,
    EXIT_REFUSED,
    EXIT_USAGE,
    CommandError,
    account_from_args,
    connected,
    open_store,
    say,
)


def _row(item) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"id": item.id, "state": item.state, "kind": item.action, "item_id": item.item_id,
            "service": item.node.service, "node": item.node.node, "attempts": item.attempts,
            "error": item.last_error, "created": item.created,
            "draft": item.options.get("draft")}


def _line(item) -> str:  # type: ignore[no-untyped-def]
    where = item.node.service if item.node.node.startswith("urn:xmpp:microblog:0") \
        and not item.node.is_comments else f"{item.node.service} {item.node.node}"
    if item.node.is_comments:
        where = f"comments at {item.node.service}"
    why = f"\t{item.last_error}" if item.last_error else ""
    return f"{item.id}\t{item.state}\t{item.action}\t{item.item_id}\t{where}{why}"


async def cmd_outbox(args: argparse.Namespace) -> int:
    account = account_from_args(args)
    if args.action == "retry":
        return await _retry(args, account)
    store = open_store(account)
    try:
        if args.action is None:
            items = store.outbox()
            if args.json:
                print(json.dumps([_row(i) for i in items], indent=2))
            elif not items:
                say("the outbox is empty")
            else:
                print("\n".join(_line(i) for i in items))
            return 0
        item = _item(store, args.id)
        if not store.writer:
            raise CommandError(f"cannot change the outbox: {store.read_only_reason}", EXIT_CACHE)
        if args.action == "discard":
            store.discard(item.id)
            say(f"discarded outbox item {item.id} ({item.action} {item.item_id})")
            return 0
        try:
            key = store.outbox_to_draft(item.id)
        except ValueError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
        say(f"outbox item {item.id} is now draft '{key}' (xmppsocial drafts show '{key}'; "
            "the TUI opens it from its drafts)")
        return 0
    finally:
        store.close()


def _item(store, outbox_id: int):  # type: ignore[no-untyped-def]
    item = store.outbox_item(outbox_id)
    if item is None:
        raise CommandError(f"no outbox item {outbox_id} (xmppsocial outbox lists them)",
                           EXIT_USAGE)
    return item


async def _retry(args: argparse.Namespace, account) -> int:  # type: ignore[no-untyped-def]
    store = open_store(account)
    try:
        item = _item(store, args.id)
        if not store.writer:
            raise CommandError(f"cannot change the outbox: {store.read_only_reason}", EXIT_CACHE)
        store.retry(item.id)
    finally:
        store.close()
    async with connected(args, queue=True) as ctx:  # sends the outbox on connecting
        after = ctx.store.outbox_item(item.id)
        if ctx.offline:
            say(f"outbox item {item.id} will be sent the next time xmppsocial is online "
                f"(not connected: {ctx.offline})")
            return 0
    if after is None:
        say(f"sent outbox item {item.id} ({item.action} {item.item_id})")
        return 0
    if after.failed:
        raise CommandError(f"refused again: {after.last_error}", EXIT_REFUSED)
    say(f"outbox item {item.id} is still waiting: {after.last_error or 'not sent yet'}")
    return 0
