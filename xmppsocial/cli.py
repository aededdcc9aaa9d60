"""Command line entry point: ``xmppsocial`` opens the TUI.

Textual and slixmpp are imported only once a command needs them, so that
``xmppsocial --help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys

from xmppsocial import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xmppsocial",
        description="A terminal social feed reader and blogging client for XMPP "
                    "(XEP-0277 / XEP-0472 microblogs). With no command, the TUI opens.",
    )
    parser.add_argument("--version", action="version", version=f"xmppsocial {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    from xmppsocial.ui.app import XmppSocialApp

    XmppSocialApp().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
