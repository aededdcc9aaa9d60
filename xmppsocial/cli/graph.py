"""The follow verbs: follow, unfollow, following. A follow lives on the account (Movim's
follow lists), so ``following`` asks the account first and the cache only when offline."""

from __future__ import annotations

import argparse
import json
import sys

from xmppsocial.blog_address import AddressError, parse_blog_address
from xmppsocial.cli.graph_session import graph_session, refused
from xmppsocial.cli.session import EXIT_USAGE, CommandError
from xmppsocial.model import MICROBLOG_NODE, NodeRef


def blog_argument(args: argparse.Namespace) -> NodeRef:
    """The blog a verb names: a JID or xmpp: URI, ``--node`` overriding the node."""
    try:
        address = parse_blog_address(args.blog)
    except AddressError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    node = args.node or address.node
    if node is None:
        raise CommandError(f"{address.service} is a service, not a blog: add --node NODE "
                           f"(see: xmppsocial feeds {address.service})", EXIT_USAGE)
    return NodeRef(address.service, node)


def shown(node: NodeRef) -> str:
    return node.service if node.node == MICROBLOG_NODE else f"{node.service} {node.node}"


async def cmd_follow(args: argparse.Namespace, follow: bool = True) -> int:
    from xmppsocial.xmpp.iq import ServiceError
    from xmppsocial.xmpp.operations import NotRecorded

    node = blog_argument(args)
    async with graph_session(args) as session:
        service = session.service
        public = getattr(args, "public", None)
        if public is None:
            public = service.follows_public  # type: ignore[union-attr]
        try:
            if follow:
                sub = await service.follow(node, public, strict=True)  # type: ignore[union-attr]
                if sub.state == "pending":
                    print(f"{shown(node)}: waiting for the blog's owner to approve",
                          file=sys.stderr)
            else:
                await service.unfollow(node, strict=True)  # type: ignore[union-attr]
            # The account holds it now: the next merge must not take it for a local change.
            session.store.note_on_account(node, public if follow else None)
        except NotRecorded as exc:
            print(f"{'Followed' if follow else 'Unfollowed'} {shown(node)}, but your account's "
                  f"follow list refused the change ({exc.message}); it is retried on the "
                  "next connect", file=sys.stderr)
        except ServiceError as exc:
            raise refused(exc) from None
        session.store.set_followed(node, follow, public if follow else None)
    # Said, not silent: the follow is on the account, which is worth knowing, and whether
    # contacts can see it in the public list is a privacy choice the user made.
    if not follow:
        print(f"No longer following {shown(node)}")
    else:
        print(f"Following {shown(node)}"
              + (" (listed for your contacts)" if public else " (your follow list is private)"))
    return 0


async def cmd_unfollow(args: argparse.Namespace) -> int:
    return await cmd_follow(args, follow=False)


async def cmd_following(args: argparse.Namespace) -> int:
    """The follows as the account lists them (merged with the cache first); the cache alone
    when the server cannot be reached."""
    from xmppsocial.xmpp import graph_sync
    from xmppsocial.xmpp.iq import ServiceError

    async with graph_session(args, offline_ok=True) as session:
        if session.service is not None:
            try:
                session.take(await graph_sync.sync_follows(session.service, session.store))
            except ServiceError as exc:
                session.offline = f"your account's follow lists cannot be read ({exc})"
        if session.offline:
            print(f"Offline ({session.offline}): the follows cached here, which may be out "
                  "of date.", file=sys.stderr)
        session.say()
        follows = session.store.follows()
    if args.json:
        print(json.dumps([{"service": n.service, "node": n.node, "public": public}
                          for n, public in follows.items()], indent=2))
    elif not follows:
        print("You follow no blogs yet: xmppsocial follow JID", file=sys.stderr)
    else:
        for node, public in follows.items():
            print(shown(node) + ("  (public)" if public else ""))
    return 0
