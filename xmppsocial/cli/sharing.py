"""The verbs that share and react: like, unlike, repeat, and the audience of my blog."""

from __future__ import annotations

import argparse
import sys

from xmppsocial.cli.args import AUDIENCES
from xmppsocial.model import MICROBLOG_NODE, Audience, NodeRef, PostRef

AUDIENCE_WORDS = {Audience.PUBLIC.value: "public (anyone may read it)",
                  Audience.CONTACTS.value: "contacts only (people who share presence with you)",
                  "": "not created yet (your first post creates it, public unless you say "
                      "'xmppsocial audience contacts' first)"}


def _title(post) -> str:  # type: ignore[no-untyped-def]
    return post.title if len(post.title) <= 60 else post.title[:59] + "…"


async def cmd_like(args: argparse.Namespace) -> int:
    """Like with XEP-0470 where the post has an attachments node, else with a "♥" comment;
    the cache keeps the form that went out."""
    from xmppsocial.cli.session import connected
    from xmppsocial.cli.verb_support import fetch_post, refusing, target
    from xmppsocial.content.compose import like_comment
    from xmppsocial.store.likes import record_like

    async with connected(args) as ctx:
        node = target(args, ctx.me)
        post = await fetch_post(ctx, PostRef(node.service, node.node, args.item_id))
        before = await refusing(ctx, ctx.service.reactions(post))
        if ctx.me in before.likers:
            print(f"You like “{_title(post)}” already.", file=sys.stderr)
            return 0
        heart = like_comment(post, service=ctx.me, author_name=ctx.name) \
            if post.comments is not None else None
        how = await refusing(ctx, ctx.service.like(post, heart))
        ctx.store.upsert_posts([post])
        record_like(ctx.store, post, ctx.me, how, heart)
        kind = "XEP-0470" if how == "attachment" else "a ♥ comment"
        count = len(before.likers) + 1
        # XEP-0470 asks that people know a like is not private.
        print(f"Liked “{_title(post)}” ({kind}; {count} like{'s' if count > 1 else ''}); "
              "whoever can read the post can see who liked it.", file=sys.stderr)
    return 0


async def cmd_unlike(args: argparse.Namespace) -> int:
    from xmppsocial.cli.session import connected
    from xmppsocial.cli.verb_support import fetch_post, refusing, target
    from xmppsocial.store.likes import record_unlike

    async with connected(args) as ctx:
        node = target(args, ctx.me)
        post = await fetch_post(ctx, PostRef(node.service, node.node, args.item_id))
        undone = await refusing(ctx, ctx.service.unlike(post))
        ctx.store.upsert_posts([post])
        record_unlike(ctx.store, post, ctx.me, undone)
        if undone:
            print(f"Unliked “{_title(post)}”.", file=sys.stderr)
        else:
            print(f"You had not liked “{_title(post)}”.", file=sys.stderr)
    return 0


async def cmd_repeat(args: argparse.Namespace) -> int:
    """Repeat someone's post on my blog; prints the new item id."""
    from xmppsocial.cli.session import connected
    from xmppsocial.cli.verb_support import fetch_post, refusing
    from xmppsocial.content.compose import repeat

    async with connected(args) as ctx:
        source = NodeRef(args.source, args.node or MICROBLOG_NODE)
        original = await fetch_post(ctx, PostRef(source.service, source.node, args.item_id))
        boost = repeat(original, service=ctx.me)
        item = await refusing(ctx, ctx.service.publish_post(boost))
        ctx.store.upsert_posts([original, boost])
        ctx.store.set_feed(NodeRef(ctx.me), own=True)
        print(item)
    return 0


async def cmd_audience(args: argparse.Namespace) -> int:
    """Show who may read my blog, or change it (the blog's setting, for every post)."""
    from xmppsocial.cli.session import connected
    from xmppsocial.cli.verb_support import refusing
    async with connected(args) as ctx:
        blog = NodeRef(ctx.me)
        if args.audience is None:
            current = await refusing(ctx, ctx.service.access_model(blog))
            print(f"Your blog is {AUDIENCE_WORDS.get(current, current)}.")
            return 0
        access = AUDIENCES[args.audience]
        changed = await refusing(ctx, ctx.service.set_audience(access, blog))
        ctx.store.set_feed(blog, own=True, access_model=access)
        likes = f"; the likes of {changed} post{'s' if changed != 1 else ''} follow" \
            if changed else ""
        print(f"Your blog is now {AUDIENCE_WORDS[access]}{likes}.")
    return 0


COMMANDS = {"like": cmd_like, "unlike": cmd_unlike, "repeat": cmd_repeat,
            "audience": cmd_audience}
