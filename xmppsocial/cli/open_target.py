"""``xmppsocial xmpp:alice@example.org?;node=urn:xmpp:microblog:0``: the TUI opening on a blog.

The word that opens a blog (an ``xmpp:`` URI or a JID) stands where a command would; it
is taken out before the verbs are parsed and handed to the TUI as its target.
"""

from __future__ import annotations

from xmppsocial.blog_address import looks_like_address

# Global options followed by a value: their value is not a command or a blog.
VALUE_OPTIONS = ("--jid", "--server", "--ca-file")


def split_open_target(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` without the blog to open, and that blog's text (None when there is none)."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            break
        if word in VALUE_OPTIONS:
            index += 2
            continue
        if word.startswith("-"):
            index += 1
            continue
        if looks_like_address(word):
            return argv[:index] + argv[index + 1:], word
        break  # a command comes first: its arguments are its own
    return argv, None
