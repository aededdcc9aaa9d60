"""The verbs: each connects, does one thing, prints a result, and returns an exit code."""

from __future__ import annotations

import argparse
import asyncio
import sys

from xmppsocial.cli import activity, discover, feeds, graph, output, sharing
from xmppsocial.cli.drafts import cmd_drafts
from xmppsocial.cli.outbox import cmd_outbox
from xmppsocial.cli.session import (
    EXIT_CONNECT,
    EXIT_REFUSED,
    EXIT_USAGE,
    CommandError,
    Context,
    connected,
    say,
)
from xmppsocial.cli.verb_support import access_of, fetch_post, keep_text, refusing, target
from xmppsocial.model import MICROBLOG_NODE, NodeRef, Post, PostRef
from xmppsocial.uris import is_valid_item_id


def read_text(args: argparse.Namespace) -> str:
    """TEXT, or standard input for '-' or a pipe."""
    if args.text == "-" or (args.text is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    return args.text or ""


def _queued(ctx: Context, args: argparse.Namespace, item: str | None, item_id: str, key: str,
            text: str, title: str = "") -> None:
    """After publish_or_queue: say that the work waits (or with --no-queue, take it back)."""
    if item is not None:
        return
    if getattr(args, "no_queue", False):
        for waiting in ctx.store.pending():
            if waiting.item_id == item_id:
                ctx.store.discard(waiting.id)
        note = keep_text(ctx, key, text, title)
        raise CommandError(f"not connected ({ctx.offline or 'connection lost'}); nothing was "
                           f"queued (--no-queue){note}", EXIT_CONNECT)
    why = f"not connected ({ctx.offline})" if ctx.offline else "the connection was lost"
    say(f"queued: {why}; it will be sent the next time xmppsocial is online "
        "(xmppsocial outbox lists it)")


async def _publish(ctx: Context, args: argparse.Namespace, post: Post, key: str, text: str,
                   title: str = "", access: str | None = None) -> str:
    from xmppsocial.store import StoreError
    from xmppsocial.xmpp.outbox import publish_or_queue

    try:
        item = await refusing(ctx, _audience_hint(publish_or_queue(
            ctx.service, ctx.store, post, access, draft_key=key)), key, text, title)
    except StoreError as exc:  # a read-only copy refuses to queue
        raise CommandError(f"not connected, and {exc}", EXIT_CONNECT) from None
    _queued(ctx, args, item, post.item_id, key, text, title)
    return item or post.item_id


async def _audience_hint(work):  # type: ignore[no-untyped-def]
    """A post refused because --access differs from the blog's audience: name the command
    that changes the audience of the whole blog."""
    from xmppsocial.xmpp.publishing import AccessModelMismatch
    from xmppsocial.xmpp.refusals import Refused

    try:
        return await work
    except Refused as exc:
        if isinstance(exc.cause, AccessModelMismatch):
            word = "public" if exc.cause.wanted == "open" else "contacts"
            exc.text += f"; to make the whole blog {word}: xmppsocial audience {word}"
        raise


async def cmd_post(args: argparse.Namespace) -> int:
    text = read_text(args)
    if not text.strip():
        raise CommandError("nothing to post: give TEXT, '-' or a pipe", EXIT_USAGE)
    if args.id and not is_valid_item_id(args.id):
        raise CommandError("--id: 6 to 128 characters from A-Z a-z 0-9 . _ ~ -", EXIT_USAGE)
    from xmppsocial.content.compose import new_post  # Markdown: only the writing commands load it
    from xmppsocial.xmpp.iq import ServiceError

    async with connected(args, queue=not args.no_queue) as ctx:
        node = target(args, ctx.me)
        post = new_post(service=node.service, author_name=ctx.name, markdown=text,
                        title=args.title or "", tags=args.tag, node=node.node,
                        item_id=args.id, author=ctx.me)
        if ctx.online and node.node == MICROBLOG_NODE and node.service == ctx.me:
            try:
                comments = await ctx.service.create_comments_node(post.item_id)
            except ServiceError as exc:
                if not exc.transient:
                    raise CommandError(f"refused: {exc.condition}: {exc.message}"
                                       f"{keep_text(ctx, 'new', text, args.title or '')}",
                                       EXIT_REFUSED) from None
                # made on delivery from the outbox instead
            else:
                from dataclasses import replace
                post = replace(post, comments=comments)
        item = await _publish(ctx, args, post, "new", text, args.title or "", access_of(args))
        if ctx.store.writer:
            ctx.store.upsert_posts([post])
            ctx.store.set_feed(node, own=node.service == ctx.me)
        print(item)
    return 0


async def cmd_reply(args: argparse.Namespace) -> int:
    text = read_text(args)
    if not text.strip():
        raise CommandError("nothing to reply: give TEXT, '-' or a pipe", EXIT_USAGE)
    from xmppsocial.content.compose import comment
    from xmppsocial.store import StoreError
    from xmppsocial.xmpp.outbox import comment_or_queue, reply_key

    async with connected(args, queue=not args.no_queue) as ctx:
        node = target(args, ctx.me)
        ref = PostRef(node.service, node.node, args.item_id)
        key = reply_key(ref)
        try:
            parent = await fetch_post(ctx, ref)
        except CommandError as exc:
            raise CommandError(f"{exc}{keep_text(ctx, key, text)}", exc.code) from None
        if parent.comments is None:
            raise CommandError(f"refused: this post has no comments node{keep_text(ctx, key, text)}",
                               EXIT_REFUSED)
        note = comment(parent, service=ctx.me, author_name=ctx.name, markdown=text)
        try:
            item = await refusing(ctx, comment_or_queue(ctx.service, ctx.store, note, ref,
                                                         draft_key=key), key, text)
        except StoreError as exc:
            raise CommandError(f"not connected, and {exc}", EXIT_CONNECT) from None
        _queued(ctx, args, item, note.item_id, key, text)
        if ctx.store.writer:
            ctx.store.upsert_posts([note])
        print(note.item_id)
    return 0


async def cmd_edit(args: argparse.Namespace) -> int:
    text = read_text(args) if (args.text is not None or not sys.stdin.isatty()) else None
    from xmppsocial.content.compose import edited

    async with connected(args, queue=not args.no_queue) as ctx:
        node = target(args, ctx.me)
        post = await fetch_post(ctx, PostRef(node.service, node.node, args.item_id))
        new = edited(post, markdown=text or None, title=args.title,
                     tags=tuple(args.tag) if args.tag is not None else None)
        item = await _publish(ctx, args, new, f"edit:{args.item_id}", text or "",
                              args.title or "")
        if ctx.store.writer:
            ctx.store.upsert_posts([new])
        print(item)
    return 0


async def cmd_retract(args: argparse.Namespace) -> int:
    async with connected(args, queue=not args.no_queue) as ctx:
        node = target(args, ctx.me)
        ref = PostRef(node.service, node.node, args.item_id)
        if ctx.offline:
            if not ctx.store.writer:
                raise CommandError(f"not connected ({ctx.offline}), and nothing can be queued: "
                                   f"{ctx.store.read_only_reason}", EXIT_CONNECT)
            ctx.store.enqueue("retract", node, args.item_id)
            say(f"queued: not connected ({ctx.offline}); it will be deleted the next time "
                "xmppsocial is online (xmppsocial outbox lists it)")
        else:
            await refusing(ctx, ctx.service.retract(ref))
        if ctx.store.writer:
            ctx.store.retract([ref])
    return 0


async def _likes(ctx: Context, posts: list[Post]) -> list[tuple[Post, int]]:
    """Each post with its like count (XEP-0470 and hearts), kept in the cache as read."""
    found = await asyncio.gather(*(ctx.service.reactions(p) for p in posts),
                                 return_exceptions=True)
    counted = []
    with ctx.store.transaction():  # one commit, not two per post
        for post, reactions in zip(posts, found, strict=True):
            if isinstance(reactions, BaseException):
                counted.append((post, len(ctx.store.likers(post))))  # what we knew
                continue
            ctx.store.set_attachment_likes(post.ref, reactions.noticed)
            ctx.store.upsert_posts(reactions.comments)
            counted.append((post, len(reactions.likers)))
    return counted


async def cmd_read(args: argparse.Namespace) -> int:
    from xmppsocial.xmpp.reading import Cursor

    if args.limit < 1:
        raise CommandError("--limit: expected a positive number", EXIT_USAGE)
    async with connected(args) as ctx:
        node = NodeRef(args.blog or ctx.me, args.node or MICROBLOG_NODE)
        if args.comments:
            parent = await fetch_post(ctx, PostRef(node.service, node.node, args.comments))
            posts = [p for p in await refusing(ctx, ctx.service.comments(parent))
                     if not p.is_like][: args.limit]
            cursor = None
        elif args.more:
            feed = ctx.store.feed(node)
            if feed is None or not feed.cursor:
                raise CommandError("--more: nothing older to show (read this blog first)",
                                   EXIT_USAGE)
            page = await refusing(ctx, ctx.service.fetch_older(
                node, Cursor.decode(feed.cursor), args.limit))
            posts, cursor = list(page.posts), page.cursor
        elif args.before:
            posts, cursor = await _before(ctx, node, args.before, args.limit)
        else:
            page = await refusing(ctx, ctx.service.fetch_latest(node, args.limit,
                                                                 deliver=False))
            posts, cursor = list(page.posts), page.cursor
        if not args.comments:
            posts.sort(key=lambda p: (p.published, p.item_id), reverse=True)
            ctx.store.upsert_posts(posts)
            ctx.store.set_cursor(node, cursor.encode() if cursor else None)
        with_likes = await _likes(ctx, posts)
    if args.json:
        print(output.dumps(with_likes))
    else:
        if not posts:
            print("no posts", file=sys.stderr)
        print("\n".join(output.post_text(p, n) for p, n in with_likes), end="")
    return 0


async def _before(ctx: Context, node: NodeRef, item_id: str, limit: int):
    """The page older than ``item_id``: walk pages until it shows up (RSM cursors are opaque,
    so an item id cannot be turned into one directly)."""
    page = await refusing(ctx, ctx.service.fetch_latest(node, max(limit, 20), deliver=False))
    seen: list[Post] = list(page.posts)
    for _ in range(200):
        ids = [p.item_id for p in seen]
        if item_id in ids:
            rest = seen[ids.index(item_id) + 1:]
            while len(rest) < limit and page.cursor is not None:
                page = await refusing(ctx, ctx.service.fetch_older(node, page.cursor, limit))
                rest += page.posts
            more = page.cursor if len(rest) > limit or page.cursor else None
            return rest[:limit], more
        if page.cursor is None:
            break
        page = await refusing(ctx, ctx.service.fetch_older(node, page.cursor, max(limit, 20)))
        seen += page.posts
    raise CommandError(f"refused: item-not-found: {item_id} is not on this blog", EXIT_REFUSED)


COMMANDS = {
    "post": cmd_post, "reply": cmd_reply, "edit": cmd_edit, "retract": cmd_retract,
    "read": cmd_read, "export": feeds.cmd_export, "import": feeds.cmd_import,
    # the social graph: cli/graph.py, cli/activity.py, cli/discover.py
    "follow": graph.cmd_follow, "unfollow": graph.cmd_unfollow, "following": graph.cmd_following,
    "followers": activity.cmd_followers, "notifications": activity.cmd_notifications,
    "contacts": discover.cmd_contacts, "feeds": discover.cmd_feeds,
    "outbox": cmd_outbox, "drafts": cmd_drafts,
}

COMMANDS.update(sharing.COMMANDS)  # like, unlike, repeat, audience
