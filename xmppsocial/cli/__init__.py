"""Command line entry point: ``xmppsocial [options] [COMMAND …]``; no command opens the TUI,
and ``xmppsocial [options] JID|xmpp:URI`` opens it on that blog.

Textual and slixmpp are imported only once a command needs them, so that
``xmppsocial --help`` stays instant.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from xmppsocial.cli.args import build_parser
from xmppsocial.cli.open_target import split_open_target
from xmppsocial.cli.session import CommandError


def main(argv: list[str] | None = None) -> int:
    argv, opening = split_open_target(sys.argv[1:] if argv is None else list(argv))
    args = build_parser().parse_args(argv)
    # slixmpp logs refusals on its own; the command reports them once, readably.
    logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
    target = None
    if opening is not None:
        from xmppsocial.blog_address import AddressError, parse_blog_address

        try:
            target = parse_blog_address(opening)
        except AddressError as exc:
            print(f"xmppsocial: {exc}", file=sys.stderr)
            return 2
        if args.command is not None:
            print(f"xmppsocial: open a blog or run '{args.command}', not both "
                  "(see xmppsocial --help)", file=sys.stderr)
            return 2
    if args.command is None:
        return run_tui(args, target)
    if args.command == "demo":
        from xmppsocial.demo.run import run_demo

        return run_demo()
    from xmppsocial.cli.commands import COMMANDS

    command = COMMANDS.get(args.command)
    if command is None:
        print(f"xmppsocial: '{args.command}' is not available in this version", file=sys.stderr)
        return 2
    try:
        return asyncio.run(command(args))
    except CommandError as exc:
        from xmppsocial.sanitize import clean_text  # server words travel in these messages

        print(f"xmppsocial: {clean_text(str(exc))}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def run_tui(args, target=None) -> int:  # type: ignore[no-untyped-def]
    """The TUI for the account; ``target`` (a BlogAddress) is the blog it should open on."""
    from xmppsocial.cli.session import account_from_args, password_for
    from xmppsocial.store import Store, StoreError
    from xmppsocial.store.opening import open_account_store
    from xmppsocial.ui.launch import build_app

    try:
        account = account_from_args(args)
        password = password_for(account)
    except CommandError as exc:
        if exc.code != 2:
            print(f"xmppsocial: {exc}", file=sys.stderr)
            return exc.code
        account, password = None, None  # no account yet: the account screen asks
    notice = ""
    try:
        store = open_account_store(account.jid if account else None)
    except StoreError as exc:
        # The file is left alone; the session still works, from memory.
        store, notice = Store(":memory:"), f"{exc}. Running without a cache this time."
    try:
        app = build_app(store, account, password, first_run=account is None)
        app.startup_notice = notice
        app.open_target = target  # the TUI lands on this blog (its use comes with #15's TUI)
        app.run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
