"""Moving through what is there: scopes, search, unread, marking read, tags, links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xmppsocial.reading.links import web_links
from xmppsocial.store import Scope

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp

TITLES = {"home": "Feed", "unread": "Unread", "blog": "Blog", "tag": "Tag", "search": "Search"}


def title_of(scope: Scope) -> str:
    if scope.kind == "tag":
        return f"#{scope.tag}"
    if scope.kind == "search":
        return f"Search “{scope.query}”"
    return TITLES[scope.kind]


def set_scope(app: XmppSocialApp, scope: Scope) -> None:
    panes = app.panes_here()
    if panes is not None:
        panes.set_scope(scope, title_of(scope))
        panes.show_row(panes.reader.current)


def home(app: XmppSocialApp) -> None:
    set_scope(app, Scope())


def unread_only(app: XmppSocialApp) -> None:
    set_scope(app, Scope("unread"))


def panes(app: XmppSocialApp) -> None:
    here = app.panes_here()
    if here is not None:
        (here.thread if here.feed.has_focus else here.feed).focus()


def search(app: XmppSocialApp) -> None:
    app.search.open()


def leave(app: XmppSocialApp) -> None:
    """Escape: out of the search box or its results, back where the reader was."""
    app.search.leave()


def scope_from_words(words: str) -> Scope:
    """What a search box entry asks for: ``tag:x`` a tag, other words a search."""
    words = words.strip()
    if words.lower().startswith("tag:") and words[4:].strip():
        return Scope.tagged(words[4:].strip().lstrip("#").lower())
    if words.startswith("#") and len(words) > 1 and " " not in words:
        return Scope.tagged(words[1:].lower())
    return Scope.search(words)


def tag(app: XmppSocialApp) -> None:
    """The posts sharing a tag of the current post (a list when it has several)."""
    post = app.current_post()
    if post is None or not post.tags:
        app.notify("This post has no tags.")
        return
    tags = sorted({t.lower() for t in post.tags})
    if len(tags) == 1:
        app.search.enter(Scope.tagged(tags[0]))
        return
    from xmppsocial.ui.screens.links import LinkPicker

    app.push_screen(LinkPicker([(f"#{t}", t) for t in tags], "Which tag?"),
                    lambda chosen: chosen and app.search.enter(Scope.tagged(chosen)))


def next_unread(app: XmppSocialApp) -> None:
    here = app.panes_here()
    if here is None:
        return
    left = here.reader.current_post
    if left is not None and app.read_marker.left(left):
        app.read_changed([left], unread=False)
    if not here.reader.next_unread():
        app.notify("No unread posts.")
    here.feed.sync()


def mark_all_read(app: XmppSocialApp) -> None:
    here = app.panes_here()
    if here is None:
        return
    undo = app.read_marker.mark_view(here.scope)
    app.refresh_views()
    count = len(undo)
    app.notify(f"Marked {count} post{'s' * (count != 1)} read. Press "
               f"{app.key_for('undo')} to undo." if count else "Nothing unread here.")


def undo(app: XmppSocialApp) -> None:
    undone = app.read_marker.undo()
    if undone is None:
        app.notify("Nothing to undo.")
        return
    app.refresh_views()
    app.notify(f"{len(undone)} post{'s' * (len(undone) != 1)} unread again.")


def open_link(app: XmppSocialApp) -> None:
    from xmppsocial.ui.screens.links import LinkPicker

    post = app.current_post()
    if post is None:
        return
    links = web_links(post)
    if not links:
        app.notify("This post has no web links.")
        return
    if len(links) == 1:
        _open(app, links[0][1])
        return
    app.push_screen(LinkPicker(links), lambda href: href and _open(app, href))


def _open(app: XmppSocialApp, href: str) -> None:
    import webbrowser

    # webbrowser starts the browser with an argument list, never through a shell, and
    # only http(s) targets get here.
    webbrowser.open(href)
    app.notify(f"Opened {href}")

