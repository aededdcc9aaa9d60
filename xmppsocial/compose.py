"""From what people type (Markdown) to what is published (XHTML plus plain text).

Movim does the same: the rendered XHTML is the body peers show, the
Markdown source rides along as the ``type='text'`` twin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from markdown_it import MarkdownIt

from xmppsocial import xhtml
from xmppsocial.model import (
    COMMENTS_NODE_PREFIX,
    LIKE_MARK,
    MICROBLOG_NODE,
    Author,
    ContentType,
    InReplyTo,
    NodeRef,
    Post,
)
from xmppsocial.sanitize import clean_line, clean_text
from xmppsocial.uris import new_item_id, post_uri

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["strikethrough", "table"])
_HASHTAG = re.compile(r"(?<![\w#])#(\w[\w-]{0,63})")


@dataclass(frozen=True, slots=True)
class Body:
    """A composed body: the sanitised XHTML div (as text) and its plain-text twin."""

    xhtml: str
    text: str


def render_markdown(source: str) -> Body:
    """Markdown to a sanitised XHTML div; raw HTML in the source stays literal text."""
    source = clean_text(source).strip()
    div = xhtml.from_html(_markdown.render(source))
    return Body(xhtml.to_string(div), source)


def hashtags(text: str) -> list[str]:
    """``#tags`` written in the text, lower-cased as Movim does."""
    return list(dict.fromkeys(m.group(1).lower() for m in _HASHTAG.finditer(text)))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_post(*, service: str, author_name: str, markdown: str, title: str = "",
             tags: tuple[str, ...] | list[str] = (), node: str = MICROBLOG_NODE,
             item_id: str | None = None, comments: NodeRef | None = None,
             in_reply_to: Post | None = None, now: datetime | None = None) -> Post:
    """A new post by the account ``service`` (a bare JID, owner of its PEP blog)."""
    body = render_markdown(markdown)
    when = now or _now()
    derived = not clean_line(title)
    title = clean_line(title, 300) or clean_line(
        xhtml.plain_text(xhtml.from_string(body.xhtml)).split("\n", 1)[0], 80)
    replies = ()
    if in_reply_to is not None:
        replies = (InReplyTo(ref=in_reply_to.atom_id or in_reply_to.item_id,
                             href=post_uri(in_reply_to.ref), target=in_reply_to.ref),)
    item = item_id or new_item_id(title)
    return Post(service=service, node=node, item_id=item, title=title, published=when,
                updated=when, author=Author(name=author_name, jid=service, verified=True),
                body=body.xhtml, body_type=ContentType.XHTML, text=body.text,
                title_derived=derived, atom_id=item, publisher=service,
                tags=tuple(dict.fromkeys([*tags, *hashtags(body.text)])),
                in_reply_to=replies, comments=comments)


def edited(post: Post, *, markdown: str | None = None, title: str | None = None,
           tags: tuple[str, ...] | list[str] | None = None, now: datetime | None = None) -> Post:
    """The same post with new words: same item id, atom id and ``published``; later
    ``updated``."""
    from dataclasses import replace

    changes: dict[str, object] = {}
    if markdown is not None:
        body = render_markdown(markdown)
        changes.update(body=body.xhtml, body_type=ContentType.XHTML, text=body.text)
    if title is not None:
        changes["title"] = clean_line(title, 300)
    if tags is not None:
        changes["tags"] = tuple(tags)
    when = now or _now()
    # `updated` must move even when the clock did not (two edits in one second).
    changes["updated"] = max(when, post.updated + timedelta(seconds=1))
    return replace(post, **changes, raw="")


def comment(parent: Post, *, service: str, author_name: str, markdown: str,
            now: datetime | None = None) -> Post:
    """A comment for ``parent``'s comments node. Movim reads comments from the title,
    so the text also goes there (one line, shortened)."""
    if parent.comments is None:
        raise ValueError("this post has no comments node")
    body = render_markdown(markdown)
    when = now or _now()
    item = new_item_id("c")
    return Post(service=parent.comments.service, node=parent.comments.node, item_id=item,
                title=clean_line(body.text, 300), published=when, updated=when,
                author=Author(name=author_name, jid=service, verified=True), body=body.xhtml,
                body_type=ContentType.XHTML, text=body.text, atom_id=item, publisher=service)


def like_comment(parent: Post, *, service: str, author_name: str) -> Post:
    """Movim's like: a comment whose title is exactly a heart."""
    post = comment(parent, service=service, author_name=author_name, markdown=LIKE_MARK)
    from dataclasses import replace

    return replace(post, body="", body_type=ContentType.TEXT, text=LIKE_MARK)


def comments_node_name(item_id: str) -> str:
    return COMMENTS_NODE_PREFIX + item_id
