"""The verbs between web feeds and a blog: export (Atom, OPML) and import (Atom/RSS)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from xmppsocial.cli.session import (
    EXIT_REFUSED,
    EXIT_USAGE,
    CommandError,
    Context,
    account_from_args,
    connected,
)
from xmppsocial.cli.verb_support import access_of, refusing, target
from xmppsocial.model import MICROBLOG_NODE, NodeRef, Post


async def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from xmppsocial.feeds import exporting

    if args.output:
        where = Path(args.output)
        if where.is_dir():
            raise CommandError(f"-o {args.output}: is a directory; give a file name, such as "
                               f"{where / 'blog.atom'}", EXIT_USAGE)
        if where.parent.exists() and not where.parent.is_dir():
            raise CommandError(f"-o {args.output}: {where.parent} is not a directory",
                               EXIT_USAGE)
    async with connected(args) as ctx:
        if args.opml:
            follows = [f.node for f in ctx.store.feeds() if f.followed]
            text = exporting.opml(follows, ctx.me)
        else:
            blog = NodeRef(ctx.me, MICROBLOG_NODE)
            page = await refusing(ctx, ctx.service.fetch_latest(blog, 100, deliver=False))
            posts = list(page.posts)
            while page.cursor is not None:
                page = await refusing(ctx, ctx.service.fetch_older(blog, page.cursor, 100))
                posts += page.posts
            posts.sort(key=lambda p: (p.published, p.item_id), reverse=True)
            text = exporting.atom_feed(blog, posts)
    if args.output:
        from xmppsocial.paths import write_private

        try:
            write_private(Path(args.output), text)
        except OSError as exc:
            raise CommandError(f"-o {args.output}: cannot be written "
                               f"({exc.strerror or exc})", EXIT_USAGE) from None
    else:
        sys.stdout.write(text)
    return 0


async def cmd_import(args: argparse.Namespace) -> int:
    """Publish a web feed's entries on an XMPP blog: new ones added, changed ones replaced
    in place (same item id), unchanged ones left alone."""
    from xmppsocial.feeds import importing

    try:
        source = await asyncio.to_thread(importing.load_source, args.source)
    except importing.FeedError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None

    def read_feed(node: NodeRef) -> importing.FeedImport:
        try:
            return importing.parse_feed(source, service=node.service, node=node.node)
        except importing.FeedError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None

    guess = target(args, account_from_args(args).jid.split("/", 1)[0])
    # Reading a long feed is CPU work and connecting is mostly waiting: both at once.
    reading = asyncio.ensure_future(asyncio.to_thread(read_feed, guess))
    try:
        async with connected(args) as ctx:
            feed = await reading
            node = target(args, ctx.me)
            if node != guess:  # the server spells our JID otherwise (its case, say)
                feed = await asyncio.to_thread(read_feed, node)
            return await _import_feed(args, ctx, node, feed)
    finally:
        if not reading.done():
            await asyncio.wait([reading])  # a thread cannot be stopped: let it end quietly
        if not reading.cancelled():
            reading.exception()  # seen: the error that stopped us is the one reported


LIKEABLE_IMPORTS = 50


async def _import_feed(args: argparse.Namespace, ctx: Context, node: NodeRef, feed) -> int:
    from xmppsocial.feeds import importing
    from xmppsocial.xmpp.iq import ServiceError

    posts = feed.posts[-args.limit:] if args.limit else feed.posts
    existing = await _published_posts(ctx, node)
    plan = importing.plan_import(posts, existing, feed.undated, feed.legacy)
    for reason in feed.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    for note in dict.fromkeys(feed.notes):
        print(f"note: {note}", file=sys.stderr)
    if args.dry_run:
        for label, group in (("new", plan.new), ("changed", plan.changed),
                             ("unchanged", plan.unchanged)):
            for post in group:
                print(f"{label:9} {post.item_id}  {post.title}")
        print(f"{len(plan.new)} new, {len(plan.changed)} changed, "
              f"{len(plan.unchanged)} unchanged (dry run: nothing published)")
        return 0
    todo = [*plan.new, *plan.changed]
    total = len(todo)
    # Attachments nodes (what lets Libervia users like a post) for the newest imported
    # posts only: on Prosody each costs time in proportion to the account's nodes, and
    # a thousand made a 2 s import last over two minutes.
    likeable = {p.key for p in sorted(todo, key=lambda p: p.published)[-LIKEABLE_IMPORTS:]}
    failures: list[str] = []
    done = 0
    gate = asyncio.Semaphore(16)  # pipelined, but bounded
    show_progress = sys.stderr.isatty()

    async def one(post: Post) -> None:
        nonlocal done
        async with gate:
            try:
                # The first item below checked the audience a moment ago.
                await ctx.service.publish_post(post, access_of(args), precondition=False,
                                               likeable=post.key in likeable)
            except ServiceError as exc:
                failures.append(f"{post.item_id} ({post.title}): {exc.message}")
            done += 1
            if show_progress:
                filled = int(30 * done / total)
                print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}",
                      end="", file=sys.stderr, flush=True)

    if todo and node.service == ctx.me:
        # one ensure_blog before the burst, not sixteen racing ones
        await refusing(ctx, ctx.service.publish_post(todo[0], access_of(args),
                                                      likeable=todo[0].key in likeable))
        todo, done = todo[1:], 1
    await asyncio.gather(*(one(p) for p in todo))
    if show_progress and todo:
        print(file=sys.stderr)
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(f"{len(plan.new)} new, {len(plan.changed)} changed, {len(plan.unchanged)} "
          f"unchanged, {len(failures)} failed")
    return EXIT_REFUSED if failures else 0


async def _published_posts(ctx: Context, node: NodeRef) -> dict[str, Post]:
    """What the blog already holds, by item id (all pages)."""
    from xmppsocial.xmpp.iq import ServiceError

    try:
        page = await ctx.service.fetch_latest(node, 200, deliver=False)
    except ServiceError as exc:
        if exc.has("item-not-found"):
            return {}
        raise CommandError(f"refused: {exc.condition}: {exc.message}", EXIT_REFUSED) from None
    posts = list(page.posts)
    while page.cursor is not None:
        page = await refusing(ctx, ctx.service.fetch_older(node, page.cursor, 200))
        posts += page.posts
    return {p.item_id: p for p in posts}
