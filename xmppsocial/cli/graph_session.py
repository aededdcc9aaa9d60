"""A command's connection for the social-graph verbs: what the network says is applied to
the account's cache as it arrives, notifications included, and an unreachable server can
leave the command working from the cache (saying so)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from xmppsocial.cli.session import (
    EXIT_CONNECT,
    EXIT_REFUSED,
    EXIT_USAGE,
    CommandError,
    account_from_args,
    open_store,
    say,
)
from xmppsocial.graph_apply import GraphNews, apply_graph_event, apply_posts
from xmppsocial.model import ConnectionState
from xmppsocial.notifications import Notification
from xmppsocial.store import Store


@dataclass
class GraphSession:
    """The account's cache, and its service when connected (None when working offline,
    ``offline`` then says why)."""

    store: Store
    me: str
    service: object | None = None  # XmppService; loosely typed to keep the import lazy
    offline: str = ""
    notifications: list[Notification] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def take(self, event: object) -> None:
        """Apply one service event to the cache (the sink of this command's service)."""
        from xmppsocial.events import PostsReceived

        if isinstance(event, PostsReceived):
            result = self.store.upsert_posts(event.posts)
            self.notifications += apply_posts(self.store, self.me, event.posts, result)
            return
        self.add(apply_graph_event(self.store, self.me, event))

    def add(self, news: GraphNews) -> None:
        self.notifications += news.notifications
        self.messages += news.messages

    def say(self) -> None:
        """The messages gathered so far, on standard error (standard output is the result)."""
        for message in dict.fromkeys(self.messages):
            print(message, file=sys.stderr)
        self.messages.clear()


@asynccontextmanager
async def graph_session(args: argparse.Namespace, *, offline_ok: bool = False,
                        connect: bool = True) -> AsyncIterator[GraphSession]:
    """Connect as the account, or, when ``offline_ok`` and the server cannot be reached
    (or ``connect`` is False), work from the cache alone. A refused password or certificate
    is always an error (exit 3): that is not being offline."""
    from xmppsocial import wording
    from xmppsocial.cli.session import password_for

    account = account_from_args(args)
    if connect and not account.verify_tls:
        say(wording.not_verified(account.jid))
    store = open_store(account)
    session = GraphSession(store, account.jid.lower())
    service = None
    try:
        if connect:
            from xmppsocial.xmpp.client import BadSettings, ConnectError, ConnectionSettings
            from xmppsocial.xmpp.service import XmppService

            settings = ConnectionSettings(account.jid, password_for(account), account.host,
                                          account.port, account.ca_file, account.verify_tls,
                                          account.ping_interval)
            try:
                service = XmppService(settings, session.take, resync_on_connect=False,
                                      present=False, public_follows=account.public_follows)
            except BadSettings as exc:
                raise CommandError(str(exc), EXIT_USAGE) from None
            try:
                await service.start(timeout=30)
                session.service, session.me = service, service.jid
            except ConnectError as exc:
                final = exc.state in (ConnectionState.AUTH_FAILED,
                                      ConnectionState.CERT_REJECTED)
                if final or not offline_ok:
                    raise CommandError(f"{exc.state.value}: {exc.reason}", EXIT_CONNECT
                                       ) from None
                session.offline = exc.reason
        else:
            session.offline = "not connecting, as asked"
        yield session
    finally:
        if service is not None:
            await service.stop()
        store.close()


def refused(exc: Exception) -> CommandError:
    """A server refusal as the one-line error and exit code 4."""
    condition = getattr(exc, "condition", "refused")
    message = getattr(exc, "message", str(exc))
    return CommandError(f"refused: {condition}: {message}", EXIT_REFUSED)
