"""Every key of the TUI by name: what ``[keys]`` in config.toml can rebind.

The TUI builds its bindings from this table (each binding's id is the name),
the help screen and the README's keys table list it, and config.py refuses a
``[keys]`` name that is not here, naming the nearest one. Pure data: no
Textual, so that a configuration can be checked without starting the UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One rebindable action: its ``[keys]`` name, default keys, where it applies, a short
    label (key bar, palette), what it does (help); ``footer`` puts it in the key bar."""

    name: str
    keys: str
    where: str
    label: str
    does: str
    footer: bool = False


KEYS: tuple[KeySpec, ...] = (
    KeySpec("next", "j,down", "feed", "Down", "next post"),
    KeySpec("previous", "k,up", "feed", "Up", "previous post (on the top row: the new posts)"),
    KeySpec("first", "g,home", "feed", "Newest", "newest post (takes in new posts)"),
    KeySpec("last", "G,end", "feed", "Oldest", "oldest post loaded (loads older ones)"),
    KeySpec("page_down", "pagedown,space", "feed", "Page down", "a page down"),
    KeySpec("page_up", "pageup", "feed", "Page up", "a page up"),
    KeySpec("open", "enter", "feed", "Open", "open the thread (marks read); on a gap: load it"),
    KeySpec("panes", "tab", "app", "Panes", "switch between feed and thread"),
    KeySpec("new_post", "n", "app", "New post", "new post", footer=True),
    KeySpec("reply", "r", "app", "Reply", "reply (comment)", footer=True),
    KeySpec("edit", "e", "app", "Edit my post", "edit my post"),
    KeySpec("delete", "d", "app", "Delete my post", "delete my post (asks first)"),
    KeySpec("like", "l", "app", "Like", "like, or take my like back", footer=True),
    KeySpec("repeat", "R", "app", "Repeat", "repeat (share) the post on my blog (asks first)"),
    KeySpec("follow", "f", "app", "Follow", "follow / unfollow this blog", footer=True),
    KeySpec("blog", "b", "app", "Open author's blog", "open this author's blog"),
    KeySpec("tag", "t", "app", "Posts with a tag", "posts with a tag of this post"),
    KeySpec("search", "slash", "app", "Search", "search (tag:x for a tag)", footer=True),
    KeySpec("leave", "escape", "app", "Back", "leave the search box or results, back to where you were"),
    KeySpec("home", "h", "app", "Home timeline", "home timeline"),
    KeySpec("unread_only", "U", "app", "Unread only", "unread only"),
    KeySpec("next_unread", "u", "app", "Next unread", "next unread (marks the post left read)", footer=True),
    KeySpec("mark_all_read", "A", "app", "Mark all read", "mark the whole view read"),
    KeySpec("undo", "z", "app", "Undo mark all read", "undo marking the view read"),
    KeySpec("open_link", "o", "app", "Open a link", "open a link of the post (a list when several)"),
    KeySpec("drafts", "D", "app", "Drafts", "drafts, including those the command line kept"),
    KeySpec("notifications", "N", "app", "Notifications", "notifications"),
    # Finding blogs (issue 14)
    KeySpec("open_address", "B", "app", "Open a blog by address",
            "open a blog by JID or xmpp: URI (a service's address lists its feeds)"),
    KeySpec("following", "F", "app", "Blogs I follow", "the blogs you follow"),
    KeySpec("followers", "W", "app", "My followers", "who follows your blog"),
    KeySpec("contacts", "C", "app", "Contacts' blogs", "your contacts' blogs"),
    KeySpec("pubsub", "P", "app", "Feeds of a pubsub service",
            "the feeds (communities) of a pubsub service"),
    KeySpec("switch_account", "S", "app", "Switch account",
            "switch to another account of config.toml (each has its own cache)"),
    KeySpec("help", "question_mark", "app", "Help", "this help", footer=True),
    KeySpec("quit", "q", "app", "Quit", "quit", footer=True),
    # The connection and the outbox (issue 17)
    KeySpec("retry_now", "ctrl+r", "app", "Retry now", "connect again now (skip the wait)"),
    KeySpec("outbox", "O", "app", "Outbox", "the outbox: what waits, what failed; retry, "
            "edit, discard"),
    KeySpec("back", "escape", "blog", "Back", "back from a blog"),
    KeySpec("send", "ctrl+s", "composer", "Send", "send"),
    KeySpec("close", "escape", "composer", "Close (keep draft)", "close, keeping the draft"),
    KeySpec("editor", "ctrl+e", "composer", "$EDITOR", "write in $EDITOR"),
    KeySpec("target", "ctrl+t", "composer", "Post elsewhere",
            "post to another blog or a pubsub node (a field for its address)"),
)
BY_NAME = {spec.name: spec for spec in KEYS}

# "j", "?", "ctrl+s", "shift+tab", "f5", "pagedown": one printable character, or a key name
# with modifiers; several separated by commas.
_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super)\+)*(?:[a-z][a-z0-9_]*|.)$")


def check_key(value: str) -> str | None:
    """Why ``value`` is not a usable key list, or None when it is."""
    keys = [k.strip() for k in value.split(",")]
    for key in keys:
        if not key or not _KEY.match(key):
            return f"{key!r} is not a key name (examples: \"j\", \"ctrl+n\", \"pagedown\")"
    return None


def keymap(overrides: dict[str, str]) -> dict[str, str]:
    """Every action's keys with the user's ``[keys]`` applied."""
    return {spec.name: overrides.get(spec.name, spec.keys) for spec in KEYS}


def clashes(overrides: dict[str, str]) -> list[str]:
    """Keys given to two actions that apply at once (the app's own, or one screen's)."""
    chosen = keymap(overrides)
    out = []
    for where in ("feed", "app", "blog", "composer"):
        # The feed pane's keys and the app's are active together.
        scope = ("feed", "app") if where in ("feed", "app") else (where,)
        seen: dict[str, str] = {}
        for spec in KEYS:
            if spec.where not in scope:
                continue
            for key in chosen[spec.name].split(","):
                key = key.strip()
                other = seen.setdefault(key, spec.name)
                if other != spec.name and (spec.name in overrides or other in overrides):
                    out.append(f"{key!r} is both {other} and {spec.name}")
    return sorted(set(out))
