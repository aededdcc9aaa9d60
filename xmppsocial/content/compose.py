"""From what people type (Markdown) to what is published (XHTML plus plain text).

The rendered XHTML is the body peers show; the ``type='text'`` twin is that body
as readable plain text (twin.py), because Libervia shows it as is in its text
views. Movim puts its Markdown source there instead; we do not, so an edit
starts from Markdown rebuilt from the XHTML (markdown_source.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from markdown_it import MarkdownIt

from xmppsocial.content import xhtml
from xmppsocial.content.entry_writer import body_div, touched
from xmppsocial.content.microblog import TITLE_LIMIT, comments_node_name
from xmppsocial.content.sanitize import clean_line, clean_text
from xmppsocial.content.twin import twin_text
from xmppsocial.model import (
    LIKE_MARK,
    MICROBLOG_NODE,
    Author,
    ContentType,
    InReplyTo,
    Link,
    NodeRef,
    Post,
)
from xmppsocial.uris import is_valid_item_id, new_item_id, post_uri

__all__ = ["Body", "comment", "comments_node_name", "edit_source", "edited", "hashtags",
           "like_comment", "new_post", "render_markdown", "repeat"]


def _parser() -> MarkdownIt:
    # Raw HTML off: what people type is shown, never interpreted (a "<script>" stays text).
    md = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
    try:
        import linkify_it  # noqa: F401  (comes with Textual's markdown-it-py[linkify])
    except ImportError:
        return md
    md.options["linkify"] = True
    return md.enable("linkify")


_markdown = _parser()
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w[\w-]{0,63})")


@dataclass(frozen=True, slots=True)
class Body:
    """A composed body: the sanitised XHTML div (as text), its readable plain-text twin,
    its plain text for titles and previews, and the Markdown it came from."""

    xhtml: str
    text: str
    plain: str = ""
    source: str = ""


def render_markdown(source: str) -> Body:
    """Markdown to a sanitised XHTML div; raw HTML in the source stays literal text.

    ``text`` is the ``type='text'`` twin: the body as plain text, emphasis markers
    gone and links written ``text <url>``; ``plain`` is the one-block text used for
    titles and previews.
    """
    source = clean_text(source).strip()
    div = xhtml.from_html(_markdown.render(source))
    return Body(xhtml.to_string(div), twin_text(div), xhtml.plain_text(div), source)


def edit_source(post: Post) -> str:
    """The Markdown an edit of ``post`` starts from: rebuilt from its XHTML body (the text
    twin is plain text, and would lose emphasis and links), else its text."""
    if post.body_type is ContentType.XHTML and post.body:
        from xmppsocial.content.markdown_source import markdown_of

        try:
            div = xhtml.from_string(post.body)
        except Exception:  # noqa: BLE001 - a body we cannot read back: start from its text
            return post.text
        return markdown_of(div, bare_urls=bool(_markdown.options.get("linkify")))
    return post.text


def hashtags(text: str) -> list[str]:
    """``#tags`` written in the text, lower-cased as Movim does."""
    return list(dict.fromkeys(m.group(1).lower() for m in _HASHTAG.finditer(text)))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_post(*, service: str, author_name: str, markdown: str, title: str = "",
             tags: tuple[str, ...] | list[str] = (), node: str = MICROBLOG_NODE,
             item_id: str | None = None, comments: NodeRef | None = None,
             in_reply_to: Post | None = None, now: datetime | None = None,
             author: str | None = None) -> Post:
    """A new post on ``service``: by default the account's own PEP blog (a bare JID, its
    author too); ``author`` is that account when ``service`` is a pubsub service.

    Args:
        title: the headline; without one, the first line of the body is used
            (``title_derived`` says so), because both peers drop untitled posts.
        in_reply_to: the post replied to or shared (Movim's "share" is exactly this).
        comments: the comments node, created beforehand by the service layer.
        item_id: our own choice of id; generated (slug plus random part) when None.

    Raises:
        ValueError: ``item_id`` is not 6-128 URI-safe characters.
    """
    if item_id is not None and not is_valid_item_id(item_id):
        raise ValueError(f"item id {item_id!r}: 6-128 characters from A-Z a-z 0-9 . _ ~ -")
    body = render_markdown(markdown)
    when = now or _now()
    given = clean_line(title, TITLE_LIMIT * 3)
    derived = clean_line(body.plain.split("\n", 1)[0], TITLE_LIMIT)
    replies = ()
    if in_reply_to is not None:
        replies = (InReplyTo(ref=in_reply_to.atom_id or in_reply_to.item_id,
                             href=post_uri(in_reply_to.ref), target=in_reply_to.ref),)
    item = item_id or new_item_id(given or derived)
    return Post(service=service, node=node, item_id=item, title=given or derived,
                published=when, updated=when,
                author=Author(name=clean_line(author_name, 64), jid=author or service,
                              verified=True),
                body=body.xhtml, body_type=ContentType.XHTML, text=body.text,
                title_derived=not given or given == derived, atom_id=item,
                publisher=author or service,
                tags=tuple(dict.fromkeys([*(t.lower() for t in tags), *hashtags(body.source)])),
                in_reply_to=replies, comments=comments)


def edited(post: Post, *, markdown: str | None = None, title: str | None = None,
           tags: tuple[str, ...] | list[str] | None = None, now: datetime | None = None) -> Post:
    """The same post with new words: same item id, atom id, comments and ``published``;
    a later ``updated``. An empty ``title`` (or a derived one left alone) is derived
    again from the new body."""
    changes: dict[str, object] = {}
    if markdown is not None:
        body = render_markdown(markdown)
        changes.update(body=body.xhtml, body_type=ContentType.XHTML, text=body.text)
    if tags is not None:
        changes["tags"] = tuple(dict.fromkeys(t.lower() for t in tags))
    new = replace(post, **changes)
    first_line = clean_line(xhtml.plain_text(body_div(new)).split("\n", 1)[0], TITLE_LIMIT)
    if title is not None:
        given = clean_line(title, TITLE_LIMIT * 3)
    else:
        given = "" if post.title_derived else post.title
    # The rule parse_entry applies: a title that repeats the first line is no title.
    new = replace(new, title=given or first_line or post.title,
                  title_derived=not given or given == first_line)
    return touched(new, now)


def comment(parent: Post, *, service: str, author_name: str, markdown: str,
            now: datetime | None = None) -> Post:
    """A comment for ``parent``'s comments node. Movim shows comments from the title,
    so the readable text also goes there (one line, shortened)."""
    if parent.comments is None:
        raise ValueError("this post has no comments node")
    body = render_markdown(markdown)
    when = now or _now()
    item = new_item_id("c")
    return Post(service=parent.comments.service, node=parent.comments.node, item_id=item,
                title=clean_line(body.plain, TITLE_LIMIT * 3) or LIKE_MARK, published=when,
                updated=when, author=Author(name=clean_line(author_name, 64), jid=service,
                                            verified=True),
                body=body.xhtml, body_type=ContentType.XHTML, text=body.text, atom_id=item,
                publisher=service)


def like_comment(parent: Post, *, service: str, author_name: str,
                 now: datetime | None = None) -> Post:
    """Movim's like: a comment whose title is exactly a heart."""
    post = comment(parent, service=service, author_name=author_name, markdown=LIKE_MARK,
                   now=now)
    return replace(post, body="", body_type=ContentType.TEXT, text=LIKE_MARK)


def repeat(original: Post, *, service: str, item_id: str | None = None,
           now: datetime | None = None) -> Post:
    """A repeat ("boost") of ``original`` on our blog, in the one form both peers show.

    It is a copy of the entry under a new item id, keeping the original's author, atom
    id, title, body and comments link, with ``rel='via'`` pointing at the original
    (XEP-0277 §2.6): Libervia shows it as repeated by us. Movim ignores ``via`` and
    shares with ``thr:in-reply-to`` instead (protocol notes §1.6), so the copy also
    carries that pointer, and Movim shows our post with the original's card; Libervia
    ignores ``in-reply-to``. Dated now: it is news on our blog today, and Movim drops
    pushed posts older than a month.
    """
    when = now or _now()
    pointer = InReplyTo(ref=original.atom_id or original.item_id, href=post_uri(original.ref),
                        target=original.ref)
    return replace(original, service=service, node=MICROBLOG_NODE,
                   item_id=item_id or new_item_id(original.title), publisher=service, raw="",
                   published=when, updated=when, in_reply_to=(pointer,),
                   atom_id=original.atom_id or original.item_id,
                   links=tuple(link for link in original.links if link.rel != "alternate"),
                   via=(Link(href=post_uri(original.ref), rel="via"),))
