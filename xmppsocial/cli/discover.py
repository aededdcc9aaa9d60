"""Finding blogs to follow: ``contacts`` (contacts with a blog) and ``feeds`` (the feeds of a
pubsub service, such as Movim communities)."""

from __future__ import annotations

import argparse
import json
import sys

from xmppsocial.blog_address import AddressError, parse_blog_address
from xmppsocial.cli.graph import shown
from xmppsocial.cli.graph_session import graph_session, refused
from xmppsocial.cli.session import EXIT_USAGE, CommandError
from xmppsocial.content.sanitize import clean_line


async def _follows(session) -> dict:  # type: ignore[no-untyped-def]
    """What the account follows (merged into the cache first), to mark what is followed."""
    from xmppsocial.xmpp import graph_sync
    from xmppsocial.xmpp.iq import ServiceError

    try:
        session.take(await graph_sync.sync_follows(session.service, session.store,
                                                   subscribe=False))
    except ServiceError:
        pass  # the cache's copy, then
    session.messages.clear()  # what the merge changed is for `following` to tell
    return session.store.follows()


def _rows(feeds, follows) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [{"service": f.node.service, "node": f.node.node, "title": f.title, "type": f.kind,
             "description": f.description, "latest": f.latest,
             "followed": f.node in follows} for f in feeds]


def _show(args: argparse.Namespace, rows: list[dict[str, object]], empty: str) -> int:
    """The rows as JSON or one line each; ``empty`` said on standard error when none."""
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(empty, file=sys.stderr)
    else:
        _print(rows)
    return 0


def _print(rows: list[dict[str, object]]) -> None:
    from xmppsocial.model import NodeRef

    for row in rows:
        node = NodeRef(str(row["service"]), str(row["node"]))
        parts = [shown(node)]
        if row["title"]:
            parts.append(clean_line(str(row["title"]), 60))
        if row["latest"]:
            parts.append("latest: " + clean_line(str(row["latest"]), 60))
        print("  ".join(parts) + ("  (following)" if row["followed"] else ""))


async def cmd_contacts(args: argparse.Namespace) -> int:
    from xmppsocial.xmpp.iq import ServiceError

    async with graph_session(args) as session:
        try:
            feeds = await session.service.contacts_blogs()  # type: ignore[union-attr]
        except ServiceError as exc:
            raise refused(exc) from None
        rows = _rows(feeds, await _follows(session))
    return _show(args, rows, "None of your contacts has a blog you can read.")


async def cmd_feeds(args: argparse.Namespace) -> int:
    from xmppsocial.xmpp.iq import ServiceError

    service_jid = None
    if args.service:
        try:
            service_jid = parse_blog_address(args.service).service
        except AddressError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    async with graph_session(args) as session:
        try:
            if service_jid is None:
                services = await session.service.pubsub_services()  # type: ignore[union-attr]
                if args.json:
                    print(json.dumps(services, indent=2))
                elif services:
                    print("\n".join(services))
                else:
                    print("Your server offers no pubsub service.", file=sys.stderr)
                return 0
            feeds = await session.service.service_feeds(service_jid)  # type: ignore[union-attr]
        except ServiceError as exc:
            raise refused(exc) from None
        rows = _rows(feeds, await _follows(session))
    return _show(args, rows, f"{service_jid} lists no feeds.")
