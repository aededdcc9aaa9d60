"""What several verbs share: where a verb's blog is, its --access word, the post an id
names, and a server refusal turned into an exit code with the unsent text kept."""

from __future__ import annotations

import argparse

from xmppsocial.cli.session import EXIT_CONNECT, EXIT_REFUSED, CommandError, Context
from xmppsocial.model import MICROBLOG_NODE, NodeRef, Post, PostRef


def target(args: argparse.Namespace, me: str, jid: str | None = None) -> NodeRef:
    return NodeRef(getattr(args, "to", None) or jid or me, args.node or MICROBLOG_NODE)


async def refusing(ctx: Context, work, draft_key: str | None = None,
                    draft_text: str = "", title: str = ""):
    """Run ``work``; a server refusal becomes exit 4, keeping the text as a draft."""
    from xmppsocial.xmpp.iq import ServiceError

    try:
        return await work
    except ServiceError as exc:
        note = keep_text(ctx, draft_key, draft_text, title)
        if exc.transient:
            raise CommandError(f"{exc.message}{note}", EXIT_CONNECT) from None
        raise CommandError(f"refused: {exc.condition}: {exc.message}{note}",
                           EXIT_REFUSED) from None


def keep_text(ctx: Context, draft_key: str | None, text: str, title: str = "") -> str:
    """Keep unsent text as a draft; returns the note that says where."""
    from xmppsocial.cli.drafts import keep

    if not draft_key or not text.strip():
        return ""
    if not ctx.store.writer:
        return " (your text could not be kept: the cache belongs to the other xmppsocial)"
    key = keep(ctx.store, draft_key, title=title, body=text)
    return f" (your text was kept as draft '{key}': xmppsocial drafts show '{key}')"


async def fetch_post(ctx: Context, ref: PostRef) -> Post:
    """The post at ``ref``: from the server, or from the cache when offline."""
    if ctx.offline:
        post = ctx.store.get_post(ref)
        if post is not None:
            return post
        raise CommandError(f"not connected ({ctx.offline}), and {ref.item} is not in the "
                           "cache: nothing could be queued", EXIT_CONNECT)
    post = await refusing(ctx, ctx.service.fetch_post(ref))
    if post is None:
        raise CommandError(f"refused: item-not-found: no post {ref.item} at {ref.service}",
                           EXIT_REFUSED)
    return post


def access_of(args: argparse.Namespace) -> str | None:
    """The --access word as a PubSub access model, or None when not given."""
    from xmppsocial.cli.args import AUDIENCES

    return AUDIENCES[args.access] if getattr(args, "access", None) else None
