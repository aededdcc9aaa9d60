"""How posts look on standard output: readable text, or the JSON scripts rely on.

Every string in a post came from the network. On a terminal each one goes through
sanitize (``clean_line`` for one-line fields, the renderer's cleaning for bodies); in
JSON the data stays exact, but the characters a terminal would act on (C0 and C1
controls, bidi overrides, line separators) are written as ``\\u`` escapes, so that
``read --json`` printed to a terminal is as harmless as the text form.
"""

from __future__ import annotations

import json
import re
from typing import Any

from xmppsocial.content.render import date_label, plain_post
from xmppsocial.content.sanitize import clean_line, clean_name
from xmppsocial.model import Post
from xmppsocial.uris import pubsub_uri

# What json.dumps(ensure_ascii=False) leaves raw but a terminal would act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def json_text(value: Any) -> str:
    """``value`` as indented JSON, non-ASCII text kept readable, controls escaped.

    json.dumps escapes C0 controls itself; the rest can only occur inside strings, where
    a ``\\uXXXX`` escape reads back as the same character.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        # null: the entry carried no usable date (the post is shown as "date unknown")
        "published": post.published.isoformat() if post.date_known else None,
        "updated": post.updated.isoformat() if post.date_known else None,
        "tags": list(post.tags),
        "in_reply_to": {"ref": reply.ref, "href": reply.href} if reply else None,
        "comments": pubsub_uri(post.comments.service, post.comments.node)
        if post.comments else None,
        "links": [{"rel": link.rel, "href": link.href, "type": link.type}
                  for link in (*post.links, *post.enclosures, *post.via)],
        "likes": likes,
    }


def dumps(posts: list[tuple[Post, int]]) -> str:
    return json_text([post_json(post, likes) for post, likes in posts])


def post_text(post: Post, likes: int) -> str:
    """A post for a terminal or a pager: header, body, then its links."""
    who = clean_name(post.author.display)
    if not post.author.verified and post.publisher and post.author.jid != post.publisher:
        who = f"{who} (via {clean_line(post.publisher, 300)})"
    edited = " (edited)" if post.edited else ""
    title = clean_line(post.title, 500)
    lines = [f"── {title}",
             f"   {who} · {date_label(post)}{edited} · id {clean_line(post.item_id, 300)}"]
    body = plain_post(post)
    if body and body.strip() != title.strip():
        lines += ["", *(f"   {line}" if line else "" for line in body.split("\n"))]
    extras = []
    if post.tags:
        extras.append("tags: " + ", ".join(f"#{clean_line(t, 64)}" for t in post.tags))
    if likes:
        extras.append(f"♥ {likes}")
    for reply in post.in_reply_to:
        extras.append(f"in reply to {clean_line(reply.href or reply.ref or '', 2048)}")
    for link in (*post.enclosures, *post.links):
        if link.rel == "alternate" and link.href.startswith("xmpp:"):
            continue
        label = clean_line(link.title or link.rel, 60)
        extras.append(f"{label}: {clean_line(link.href, 2048)}")
    if extras:
        lines += ["", *(f"   {extra}" for extra in extras)]
    return "\n".join(lines) + "\n"
