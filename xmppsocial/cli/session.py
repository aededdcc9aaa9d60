"""From command-line options to a connected account: config, password, TLS, cache.

Everything that can be checked before connecting is (the JID, the server, the CA
file), so that a mistake is one line and exit 2 at once, not a 30 s wait.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmppsocial import logs, paths, wording
from xmppsocial.config import Account, ConfigError, is_bare_jid, load_config, parse_server
from xmppsocial.secrets import PasswordUnavailable, get_password

EXIT_USAGE, EXIT_CONNECT, EXIT_REFUSED, EXIT_CACHE = 2, 3, 4, 5
CONNECT_TIMEOUT = 30.0


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class NoAccount(CommandError):
    """No account is configured and none was given: the TUI asks for one."""


def say(message: str) -> None:
    """One line for people on stderr (stdout stays for results)."""
    print(f"xmppsocial: {message}", file=sys.stderr)


def account_from_args(args: argparse.Namespace) -> Account:
    """The configured account, with command-line options taking precedence."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    if args.jid and not is_bare_jid(args.jid):
        raise CommandError(f"--jid: expected a bare JID like alice@example.org, got "
                           f"{args.jid!r}", EXIT_USAGE)
    account = config.account(args.jid) if args.jid else config.account()
    if account is None:
        if not args.jid:
            raise NoAccount(f"no account: pass --jid or add one to {paths.config_file()}",
                            EXIT_USAGE)
        account = Account(jid=args.jid)
    host, port = account.host, account.port
    if args.server:
        try:
            host, port = parse_server(args.server, "--server")
        except ConfigError as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    ca_file = Path(args.ca_file).expanduser() if args.ca_file else account.ca_file
    if ca_file is not None:
        problem = wording.ca_file_problem(ca_file)
        if problem:
            where = "--ca-file" if args.ca_file else f"{config.path}: ca_file"
            raise CommandError(f"{where}: {problem}", EXIT_USAGE)
    return Account(jid=account.jid, host=host, port=port, ca_file=ca_file,
                   verify_tls=account.verify_tls and not args.no_verify_tls,
                   notify_contacts=account.notify_contacts,
                   password_command=account.password_command,
                   public_follows=account.public_follows,
                   ping_interval=account.ping_interval)


def _prompt(jid: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {jid}: ")


def password_for(account: Account) -> str:
    try:
        password = get_password(account, _prompt)
    except PasswordUnavailable as exc:
        raise CommandError(str(exc), EXIT_CONNECT) from None
    logs.redact(password)
    return password


def open_store(account: Account | None, role: str = "cli"):  # type: ignore[no-untyped-def]
    """The account's cache, or one line and exit 5 when it cannot be used."""
    from xmppsocial.store import StoreError
    from xmppsocial.store.opening import open_account_store

    try:
        store = open_account_store(account.jid if account else None, role=role)
    except StoreError as exc:
        raise CommandError(str(exc), EXIT_CACHE) from None
    if not store.writer and role == "cli":
        say(f"note: {store.read_only_reason}; this command does not update the local cache")
    return store


@dataclass(frozen=True, slots=True)
class Target:
    service: str
    node: str


@dataclass
class Context:
    """A command's connection and cache. ``offline`` is why the server could not be
    reached, when the command may queue its work instead (``connected(queue=True)``)."""

    service: Any  # XmppService; typed loosely so importing this module stays light
    store: Any  # Store
    me: str
    name: str
    offline: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def online(self) -> bool:
        return not self.offline


@asynccontextmanager
async def connected(args: argparse.Namespace, *, queue: bool = False) -> AsyncIterator[Context]:
    """Connect for one command, send what waited in the outbox, and yield the context.

    With ``queue``, an unreachable server is not an error: the context says offline and
    the command queues its work in the outbox.
    """
    from xmppsocial.events import OutboxFailed
    from xmppsocial.model import ConnectionState
    from xmppsocial.xmpp.client import BadSettings, ConnectError, ConnectionSettings
    from xmppsocial.xmpp.service import XmppService, flush_outbox

    account = account_from_args(args)
    settings = ConnectionSettings(account.jid, password_for(account), account.host,
                                  account.port, account.ca_file, account.verify_tls,
                                  account.ping_interval)
    if not account.verify_tls:
        say(wording.not_verified(account.jid))
    failures: list[str] = []

    def sink(event: object) -> None:
        if isinstance(event, OutboxFailed):
            failures.append(f"outbox item {event.outbox_id} ({event.kind} {event.item_id}) "
                            f"failed: {event.reason}")

    try:
        service = XmppService(settings, sink, resync_on_connect=False, present=False)
    except BadSettings as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    store = open_store(account)
    offline = ""
    try:
        try:
            await service.start(timeout=CONNECT_TIMEOUT)
        except ConnectError as exc:
            if not queue or exc.state is not ConnectionState.UNREACHABLE:
                raise CommandError(f"{exc.state.value}: {exc.reason}", EXIT_CONNECT) from None
            offline = exc.reason
        if not offline and store.writer:
            sent = await flush_outbox(service, store)
            if sent:
                say(f"sent {sent} waiting item{'s' * (sent > 1)} from the outbox")
        for failure in failures:
            say(failure + " (xmppsocial outbox lists it)")
        yield Context(service, store, service.jid, account.jid.split("@", 1)[0], offline,
                      failures)
    finally:
        await service.stop()
        store.close()
