"""How posts look on standard output: readable text, or the JSON scripts rely on."""

from __future__ import annotations

import json
from typing import Any

from xmppsocial.model import Post
from xmppsocial.render import plain_post
from xmppsocial.sanitize import clean_line
from xmppsocial.uris import pubsub_uri


def post_json(post: Post, likes: int) -> dict[str, Any]:
    reply = next(iter(post.in_reply_to), None)
    return {
        "id": post.item_id,
        "service": post.service,
        "node": post.node,
        "author": post.author.jid or post.publisher or post.service,
        "author_name": post.author.name,
        "title": post.title,
        "content": plain_post(post),
        "published": post.published.isoformat(),
        "updated": post.updated.isoformat(),
        "tags": list(post.tags),
        "in_reply_to": {"ref": reply.ref, "href": reply.href} if reply else None,
        "comments": pubsub_uri(post.comments.service, post.comments.node)
        if post.comments else None,
        "links": [{"rel": link.rel, "href": link.href, "type": link.type}
                  for link in (*post.links, *post.enclosures, *post.via)],
        "likes": likes,
    }


def dumps(posts: list[tuple[Post, int]]) -> str:
    return json.dumps([post_json(post, likes) for post, likes in posts], ensure_ascii=False,
                      indent=2)


def post_text(post: Post, likes: int) -> str:
    """A post for a terminal or a pager: header, body, then its links."""
    who = post.author.display
    if not post.author.verified and post.publisher and post.author.jid != post.publisher:
        who = f"{who} (via {post.publisher})"
    when = post.published.strftime("%Y-%m-%d %H:%M")
    edited = " (edited)" if post.edited else ""
    lines = [f"── {post.title}", f"   {who} · {when}{edited} · id {post.item_id}"]
    body = plain_post(post)
    if body and body.strip() != post.title.strip():
        lines += ["", *(f"   {line}" if line else "" for line in body.split("\n"))]
    extras = []
    if post.tags:
        extras.append("tags: " + ", ".join(f"#{t}" for t in post.tags))
    if likes:
        extras.append(f"♥ {likes}")
    for reply in post.in_reply_to:
        extras.append(f"in reply to {reply.href or reply.ref}")
    for link in (*post.enclosures, *post.links):
        if link.rel == "alternate" and link.href.startswith("xmpp:"):
            continue
        label = clean_line(link.title or link.rel, 60)
        extras.append(f"{label}: {link.href}")
    if extras:
        lines += ["", *(f"   {extra}" for extra in extras)]
    return "\n".join(lines) + "\n"
