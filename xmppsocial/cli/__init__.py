"""Command line entry point: ``xmppsocial [options] [COMMAND …]``; no command opens the TUI,
and ``xmppsocial [options] JID|xmpp:URI`` opens it on that blog.

Textual and slixmpp are imported only once a command needs them, so that
``xmppsocial --help`` stays instant. Every failure is one line on stderr with the
README's exit code; a traceback goes to the log only.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from xmppsocial.cli.args import build_parser
from xmppsocial.cli.open_target import split_open_target
from xmppsocial.cli.session import CommandError, NoAccount

log = logging.getLogger("xmppsocial")

EXIT_BUG = 1


def main(argv: list[str] | None = None) -> int:
    argv, opening = split_open_target(sys.argv[1:] if argv is None else list(argv))
    args = build_parser().parse_args(argv)
    from xmppsocial import __version__, logs

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

    log_file = logs.setup(debug=args.debug)
    log.info("xmppsocial %s: %s", __version__, args.command or "tui")
    try:
        if args.command is None:
            return run_tui(args, target)
        if args.command == "demo":
            from xmppsocial.demo.run import run_demo

            return run_demo()
        from xmppsocial.cli.commands import COMMANDS

        command = COMMANDS.get(args.command)
        if command is None:
            print(f"xmppsocial: '{args.command}' is not available in this version",
                  file=sys.stderr)
            return 2
        return asyncio.run(command(args))
    except CommandError as exc:
        from xmppsocial.content.sanitize import clean_text  # server words travel in these messages

        log.info("%s: exit %d: %s", args.command or "tui", exc.code, exc)
        print(f"xmppsocial: {clean_text(str(exc))}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback in the log
        log.exception("unexpected error")
        where = f" (details in {log_file})" if log_file else ""
        print(f"xmppsocial: unexpected error: {type(exc).__name__}: {exc}{where}",
              file=sys.stderr)
        return EXIT_BUG


def run_tui(args, target=None) -> int:  # type: ignore[no-untyped-def]
    """The TUI for the account; ``target`` (a BlogAddress) is the blog it should open on.

    Switching account (S) ends the app and starts it again for the other account, with
    that account's own cache and connection: nothing of one can stay on screen under the
    other.
    """
    while True:
        app, store = build_tui(args)
        app.open_target = target
        try:
            app.run()
        finally:
            store.close()
        if not app.switch_to:
            return 0
        # The other account's own settings: options given for the first one do not apply.
        args.jid, args.server, args.ca_file, args.no_verify_tls = app.switch_to, None, None, \
            False
        target = None


def build_tui(args):  # type: ignore[no-untyped-def]
    """The TUI for the options given, and its store (the caller closes it).

    Raises:
        CommandError: a malformed config.toml (exit 2, never the first-run screen), a
            cache that cannot be used (exit 5), no password to be had (exit 3).
    """
    from xmppsocial.cli.session import account_from_args, open_store, password_for

    try:
        account = account_from_args(args)
        password = password_for(account)
    except NoAccount:
        account, password = None, None  # no account yet: the account screen asks
    store = open_store(account, role="tui")
    try:
        from xmppsocial.ui.launch import build_app

        app = build_app(store, account, password, first_run=account is None)
    except BaseException:
        store.close()
        raise
    if not store.writer:
        app.startup_notice = (f"Read-only: {store.read_only_reason}. Nothing you do here is "
                              "saved and its outbox is left to that one; quit it to write.")
    store.on_damage = lambda message: _cache_lost(app, message)
    if account is not None and app.service_factory is not None:
        app.service_factory = _with_ping_interval(app.service_factory, account.ping_interval)
    return app, store


def _with_ping_interval(factory, interval: float):  # type: ignore[no-untyped-def]
    """The account's liveness setting for the service the TUI builds."""
    def build(sink):  # type: ignore[no-untyped-def]
        service = factory(sink)
        service.ping_interval = interval
        return service

    return build


def _cache_lost(app, message: str) -> None:  # type: ignore[no-untyped-def]
    """The cache file turned out damaged while running: say so; the store now runs in
    memory, so read everything followed again from the network."""
    app.notify(message, title="Cache damaged", severity="error", timeout=30)
    service = getattr(app, "service", None)
    if service is not None and getattr(service.state, "value", "") == "online":
        app.run_worker(service.resync(), group="resync", exit_on_error=False)


if __name__ == "__main__":
    sys.exit(main())
