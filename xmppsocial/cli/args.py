"""The command-line contract: global options, then one verb per blog action.

The verbs follow the chat-client plugin people already script against
(post, reply, retract, read with a limit and older pages).
"""

from __future__ import annotations

import argparse

from xmppsocial import __version__

# "public" and "contacts" are the words the app uses; "open" and "presence" are the PubSub
# access models they stand for, still accepted.
ACCESS_CHOICES = ("public", "contacts", "open", "presence")
AUDIENCES = {"public": "open", "contacts": "presence", "open": "open", "presence": "presence"}


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and one readable line for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"xmppsocial: {message} (see xmppsocial --help)\n")


class VerbParser(Parser):
    """A verb's parser: its options may come before, between or after its words.

    Plain argparse fills every positional at the first word it meets (``reply ID``
    takes ID and an empty TEXT), so ``reply ID --to JID TEXT`` left TEXT unrecognised.
    The intermixed parse reads the options first, then the words.
    """

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        # The intermixed parse calls back in here, twice; and it cannot read a verb that
        # has actions of its own (outbox retry ID), whose words come in order anyway.
        if self._intermixing or self._subparsers is not None:
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


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
                    "(XEP-0277 / XEP-0472 microblogs). With no command, the TUI opens; "
                    "with a JID or xmpp: URI instead of a command, it opens on that blog.",
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
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=VerbParser)

    p = verbs.add_parser("post", help="publish a new post and print its item id")
    _text(p)
    p.add_argument("--title", "-t")
    p.add_argument("--tag", action="append", default=[], metavar="TAG")
    _target(p)
    p.add_argument("--access", choices=ACCESS_CHOICES,
                   help="audience of a blog this post creates (default public); a post to an "
                        "existing blog with another audience is refused: change the blog's "
                        "audience with 'xmppsocial audience'")
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

    for verb, text in (("like", "like a post (XEP-0470, or a ♥ comment where that is all "
                                "it accepts)"), ("unlike", "take my like back")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("item_id", metavar="ITEM-ID")
        _target(p)

    p = verbs.add_parser("repeat", help="repeat (share) someone's post on my blog and print "
                                        "the new item id")
    p.add_argument("item_id", metavar="ITEM-ID")
    p.add_argument("--from", dest="source", metavar="JID", required=True,
                   help="whose blog (or which pubsub service) the post is on")
    p.add_argument("--node", metavar="NODE", help="the node (default: urn:xmpp:microblog:0)")

    p = verbs.add_parser("audience", help="who may read my blog: show it, or set it")
    p.add_argument("audience", nargs="?", choices=("public", "contacts"),
                   help="public (anyone) or contacts (people in my roster who share presence)")

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

    _graph_verbs(verbs)

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


def _graph_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Follows, followers, notifications and finding blogs (cli/graph.py, cli/activity.py)."""
    for verb, text in (("follow", "follow a blog: subscribe, and note it on my account"),
                       ("unfollow", "stop following a blog")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("blog", metavar="JID|URI", help="a JID or an xmpp: URI")
        p.add_argument("--node", metavar="NODE")
        if verb == "follow":
            audience = p.add_mutually_exclusive_group()
            audience.add_argument("--public", action="store_true", default=None,
                                  help="list this follow for my contacts to see")
            audience.add_argument("--private", dest="public", action="store_false",
                                  help="keep this follow to myself (the default unless "
                                       "public_follows is set)")

    p = verbs.add_parser("following", help="the blogs I follow, as my account lists them")
    p.add_argument("--json", action="store_true")
    p = verbs.add_parser("followers", help="who follows my blog")
    p.add_argument("--json", action="store_true")

    p = verbs.add_parser("notifications",
                         help="comments, likes, replies, repeats and new followers")
    p.add_argument("--json", action="store_true")
    p.add_argument("--unread", action="store_true", help="only those not seen yet")
    p.add_argument("--mark-read", action="store_true", help="then mark them all read")
    p.add_argument("--offline", action="store_true",
                   help="show what is stored without connecting")

    p = verbs.add_parser("contacts", help="my contacts that have a blog")
    p.add_argument("--json", action="store_true")
    p = verbs.add_parser("feeds", help="the feeds of a pubsub service (communities)")
    p.add_argument("service", nargs="?", metavar="SERVICE",
                   help="a pubsub service; without it, my server's services")
    p.add_argument("--json", action="store_true")


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
