"""From command-line options to a connected account: config, password, TLS, cache."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from pathlib import Path

from xmppsocial import paths
from xmppsocial.config import Account, ConfigError, load_config, parse_server
from xmppsocial.secrets import PasswordUnavailable, get_password

EXIT_USAGE, EXIT_CONNECT, EXIT_REFUSED = 2, 3, 4


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def account_from_args(args: argparse.Namespace) -> Account:
    """The configured account, with command-line options taking precedence."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    account = config.account(args.jid) if args.jid else config.account()
    if account is None:
        if not args.jid:
            raise CommandError(f"no account: pass --jid or add one to {paths.config_file()}",
                               EXIT_USAGE)
        account = Account(jid=args.jid)
    host, port = account.host, account.port
    if args.server:
        try:
            host, port = parse_server(args.server, "--server")
        except ConfigError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    ca_file = Path(args.ca_file) if args.ca_file else account.ca_file
    if ca_file is not None and not ca_file.is_file():
        raise CommandError(f"--ca-file: no such file: {ca_file}", EXIT_USAGE)
    return Account(jid=account.jid, host=host, port=port, ca_file=ca_file,
                   verify_tls=account.verify_tls and not args.no_verify_tls,
                   notify_contacts=account.notify_contacts,
                   password_command=account.password_command,
                   public_follows=account.public_follows)


def _prompt(jid: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {jid}: ")


def password_for(account: Account) -> str:
    try:
        return get_password(account, _prompt)
    except PasswordUnavailable as exc:
        raise CommandError(str(exc), EXIT_CONNECT) from None


@dataclass(frozen=True, slots=True)
class Target:
    service: str
    node: str
