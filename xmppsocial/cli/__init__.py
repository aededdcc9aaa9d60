"""Command line entry point: ``xmppsocial [options] [COMMAND …]``; no command opens the TUI.

Textual and slixmpp are imported only once a command needs them, so that
``xmppsocial --help`` stays instant.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from xmppsocial.cli.args import build_parser
from xmppsocial.cli.session import CommandError


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # slixmpp logs refusals on its own; the command reports them once, readably.
    logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
    if args.command is None:
        from xmppsocial.ui.app import XmppSocialApp

        XmppSocialApp().run()
        return 0
    from xmppsocial.cli.commands import COMMANDS

    command = COMMANDS.get(args.command)
    if command is None:
        print(f"xmppsocial: '{args.command}' is not available in this version", file=sys.stderr)
        return 2
    try:
        return asyncio.run(command(args))
    except CommandError as exc:
        print(f"xmppsocial: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
