"""The command-line contract: global options, then one verb per blog action.

The verbs follow the chat-client plugin people already script against
(post, reply, retract, read with a limit and older pages).
"""

from __future__ import annotations

import argparse

from xmppsocial import __version__

ACCESS_CHOICES = ("open", "presence")


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and one readable line for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"xmppsocial: {message} (see xmppsocial --help)\n")


def _target(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", metavar="SERVICE", help="the blog's service (default: my JID)")
    p.add_argument("--node", metavar="NODE", help="the node (default: urn:xmpp:microblog:0)")


def _text(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", metavar="TEXT|-",
                   help="Markdown text; '-' or a pipe reads standard input")


def _no_queue(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-queue", action="store_true",
                   help="when the server cannot be reached, fail (exit 3) instead of "
                        "keeping it in the outbox")


def build_parser() -> Parser:
    parser = Parser(
        prog="xmppsocial",
        description="A terminal social feed reader and blogging client for XMPP "
                    "(XEP-0277 / XEP-0472 microblogs). With no command, the TUI opens.",
        epilog="The password comes from XMPPSOCIAL_PASSWORD, the keyring, a configured "
               "password_command, or a prompt. Exit codes: 0 ok, 2 usage, 3 cannot connect "
               "or authenticate, 4 the server refused, 5 the local cache cannot be used.",
    )
    parser.add_argument("--version", action="version", version=f"xmppsocial {__version__}")
    parser.add_argument("--jid", help="the account to use (default: the configured one)")
    parser.add_argument("--server", metavar="HOST[:PORT]",
                        help="connect here instead of resolving the JID's domain")
    parser.add_argument("--ca-file", metavar="PATH", help="trust this CA or server certificate")
    parser.add_argument("--no-verify-tls", action="store_true",
                        help="accept any server certificate (not recommended)")
    parser.add_argument("--debug", action="store_true",
                        help="log a stanza trace (credentials redacted) to the log file")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = verbs.add_parser("post", help="publish a new post and print its item id")
    _text(p)
    p.add_argument("--title", "-t")
    p.add_argument("--tag", action="append", default=[], metavar="TAG")
    _target(p)
    p.add_argument("--access", choices=ACCESS_CHOICES,
                   help="audience when the blog is created: open (public) or presence "
                        "(contacts only); an existing blog's audience is never changed")
    p.add_argument("--id", metavar="ID", help="item id to use (6-128 URI-safe characters)")
    _no_queue(p)

    p = verbs.add_parser("reply", help="comment on a post and print the comment's item id")
    p.add_argument("item_id", metavar="ITEM-ID")
    _text(p)
    _target(p)
    _no_queue(p)

    p = verbs.add_parser("edit", help="republish one of my posts with new text or title")
    p.add_argument("item_id", metavar="ITEM-ID")
    _text(p)
    p.add_argument("--title", "-t")
    p.add_argument("--tag", action="append", default=None, metavar="TAG")
    _target(p)
    _no_queue(p)

    p = verbs.add_parser("retract", help="delete one of my posts everywhere")
    p.add_argument("item_id", metavar="ITEM-ID")
    _target(p)
    _no_queue(p)

    p = verbs.add_parser("read", help="show a blog's newest posts, newest first")
    # dest differs from the global --jid, which a positional of the same name would overwrite
    p.add_argument("blog", nargs="?", metavar="JID", help="whose blog (default: mine)")
    p.add_argument("--node", metavar="NODE")
    p.add_argument("--limit", "-n", type=int, default=20)
    older = p.add_mutually_exclusive_group()
    older.add_argument("--before", metavar="ITEM-ID", help="the page older than this item")
    older.add_argument("--more", action="store_true",
                       help="continue from where the last read of this blog stopped")
    p.add_argument("--comments", metavar="ITEM-ID", help="show this post's comments instead")
    p.add_argument("--json", action="store_true", help="one JSON array on standard output")

    for verb, text in (("follow", "subscribe to a blog"), ("unfollow", "stop following")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("blog", metavar="JID")
        p.add_argument("--node", metavar="NODE")

    for verb, text in (("following", "the blogs I follow"), ("followers", "who follows me")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("--json", action="store_true")

    p = verbs.add_parser("import", help="publish an Atom/RSS feed's entries on my blog")
    p.add_argument("source", metavar="SOURCE", help="a file or an http(s) URL")
    p.add_argument("--dry-run", action="store_true", help="show the plan, publish nothing")
    p.add_argument("--limit", type=int)
    _target(p)
    p.add_argument("--access", choices=ACCESS_CHOICES)

    p = verbs.add_parser("export", help="my blog as Atom, or my follows as OPML")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--atom", action="store_true", default=True)
    fmt.add_argument("--opml", action="store_true")
    p.add_argument("-o", "--output", metavar="FILE")

    _outbox_and_drafts(verbs)
    verbs.add_parser("demo", help="the TUI on a throwaway local server with sample blogs")
    return parser


def _outbox_and_drafts(verbs) -> None:  # type: ignore[no-untyped-def]
    p = verbs.add_parser("outbox", help="what waits to be sent, and what failed and why")
    p.add_argument("--json", action="store_true")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    for action, text in (("retry", "send a failed item again (now, when online)"),
                         ("edit", "take an item's text back into the drafts"),
                         ("discard", "drop an item unsent")):
        a = actions.add_parser(action, help=text)
        a.add_argument("id", metavar="ID", type=int)

    p = verbs.add_parser("drafts", help="texts kept unsent (refused, cancelled, offline)")
    p.add_argument("--json", action="store_true")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    for action, text in (("show", "print a draft's text"), ("delete", "forget a draft")):
        a = actions.add_parser(action, help=text)
        a.add_argument("key", metavar="KEY")
