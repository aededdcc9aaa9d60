"""The thread pane: one post in full, with its comments and replies as a tree."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from xmppsocial.content.render import date_label, plain_post, render_post
from xmppsocial.content.sanitize import clean_line, clean_name
from xmppsocial.model import MICROBLOG_NODE, Post
from xmppsocial.ui.bindings import key_binding

AUDIENCE = {"open": "public", "presence": "contacts only", "whitelist": "a list of people",
            "roster": "some contacts", "authorize": "approved followers"}


def author_line(post: Post) -> str:
    name = clean_name(post.author.display)
    jid = post.author.jid or post.publisher or ""
    if post.is_repeat and post.publisher:
        return f"{name} <{jid}> · repeated by {post.publisher}"
    if not post.author.verified and post.publisher and post.author.jid != post.publisher:
        return f"{name} <{jid}> · unverified author"
    return f"{name} <{jid}>" if jid and jid != name else name


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def render_thread(post: Post, comments: list[Post], likes: int, audience: str = "",
                  replied: dict[object, Post] | None = None, liked: bool = False) -> Text:
    """The whole pane as one Text: header, body, links, likes, then the comment tree."""
    out = Text()
    out.append(clean_line(post.title, 500) + "\n", "bold")
    out.append(author_line(post), "italic")
    out.append(f" · {date_label(post)}", "dim")
    if post.edited:
        out.append(f" · edited {stamp(post.updated)}", "dim")
    if audience:
        out.append(f" · {AUDIENCE.get(audience, audience)}", "dim")
    out.append("\n")
    if post.tags:
        out.append(" ".join(f"#{clean_line(t, 64)}" for t in post.tags) + "\n", "cyan")
    # A repeat names its original in thr:in-reply-to for Movim's sake: it answers nothing.
    for reply in () if post.is_repeat else post.in_reply_to:
        original = (replied or {}).get(reply.target)
        if original is not None:
            out.append("↪ in reply to ", "dim")
            out.append(f"“{clean_line(original.title, 120)}”", "italic")
            out.append(f" by {clean_name(original.author.display)}\n", "dim")
        elif reply.target is not None:  # not in the cache (yet): say whose, not the URI
            where = clean_line(reply.target.service, 300)
            if reply.target.node != MICROBLOG_NODE:
                where += f" ({clean_line(reply.target.node, 300)})"
            out.append(f"↪ in reply to a post on {where}\n", "dim")
        else:
            out.append(f"↪ in reply to {clean_line(reply.href or reply.ref or '', 300)}\n",
                       "dim")
    body = render_post(post)
    if body.plain.strip() and body.plain.strip() != post.title.strip():
        out.append("\n")
        out.append_text(body)
        out.append("\n")
    links = [*post.enclosures, *(link for link in post.links
                                 if not (link.rel == "alternate" and link.href.startswith("xmpp:")))]
    if links:
        out.append("\n")
        for number, link in enumerate(links, 1):
            label = clean_line(link.title or link.type or link.rel, 60)
            out.append(f"[{number}] {label}: ", "bold")
            out.append(clean_line(link.href, 2048) + "\n", "underline")
    plural = "s" if len(comments) != 1 else ""
    mine = " (you like it)" if liked else ""
    out.append(f"\n♥ {likes}{mine}  ·  {len(comments)} comment{plural}\n",
               "bold" if likes else "dim")
    for comment in comments:
        out.append("\n│ ", "dim")
        out.append(clean_name(comment.author.display), "bold")
        if not comment.author.verified and comment.publisher:
            out.append(" (unverified)", "red")
        out.append(f" · {date_label(comment)}\n", "dim")
        for line in plain_post(comment).split("\n"):
            out.append("│   ", "dim")
            out.append(line + "\n")
    return out


class ThreadView(VerticalScroll, can_focus=True):
    """Shows render_thread(); keys scroll it when it has focus."""

    DEFAULT_CSS = """
    ThreadView > Static { padding: 0 1; }
    """
    BINDINGS = [key_binding("next", "scroll_down"), key_binding("previous", "scroll_up")]
    post: Post | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("Select a post to read it here.", id="thread-body", markup=False)

    def show(self, post: Post | None, comments: list[Post] = (), likes: int = 0,  # type: ignore[assignment]
             audience: str = "", replied: dict[object, Post] | None = None,
             liked: bool = False) -> None:
        body = self.query_one("#thread-body", Static)
        same = post is not None and self.post is not None and post.key == self.post.key
        self.post = post
        if post is None:
            body.update("Select a post to read it here.")
        else:
            body.update(render_thread(post, list(comments), likes, audience, replied, liked))
        if not same:  # new comments on the post being read keep the reader's place in it
            self.scroll_home(animate=False)

    def show_note(self, text: str) -> None:
        """A line about a row that is not a post (a gap in a blog, its end, a deletion)."""
        self.post = None
        self.query_one("#thread-body", Static).update(Text(text, "dim italic"))
        self.scroll_home(animate=False)
