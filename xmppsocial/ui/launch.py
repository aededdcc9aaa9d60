"""Starting the TUI for an account: the cache opens first, the connection follows."""

from __future__ import annotations

from xmppsocial.config import Account, ConfigError, Preferences, load_config
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp


def build_app(store: Store, account: Account | None, password: str | None,
              first_run: bool = False, preferences: Preferences | None = None) -> XmppSocialApp:
    """The app for ``account``; without one it opens offline on the cache, asking for an
    account first when ``first_run``. ``preferences`` default to config.toml's."""
    if preferences is None:
        try:
            preferences = load_config().preferences
        except ConfigError:  # reported where the account was read; defaults meanwhile
            preferences = Preferences()
    if account is None or password is None:
        app = XmppSocialApp(store, preferences=preferences)
        if first_run:
            app.account_setup = lambda form: account_from_form(store, form)
        return app
    return XmppSocialApp(store, service_factory=service_factory(store, account, password),
                         account=account.jid, insecure=not account.verify_tls,
                         preferences=preferences)


def account_from_form(store: Store, form) -> tuple[object, Account]:  # type: ignore[no-untyped-def]
    """Save what the account screen asked for (never the password) and connect with it."""
    from pathlib import Path

    from xmppsocial import secrets
    from xmppsocial.config import Config, load_config, parse_server, save_config

    host = port = None
    if form.server:
        host, port = parse_server(form.server)
    account = Account(jid=form.jid, host=host, port=port,
                      ca_file=Path(form.ca_file).expanduser() if form.ca_file else None,
                      verify_tls=not form.allow_invalid_certificate)
    config = load_config()
    others = tuple(a for a in config.accounts if a.jid != account.jid)
    save_config(Config((account, *others), config.preferences, config.path))
    if form.remember:
        secrets.remember(account.jid, form.password)
    return service_factory(store, account, form.password), account


def service_factory(store: Store, account: Account, password: str):  # type: ignore[no-untyped-def]
    store.set_feed(NodeRef(account.jid), own=True)

    def factory(sink):  # type: ignore[no-untyped-def]
        # Built here, inside the running loop: slixmpp binds its loop at construction.
        from xmppsocial.xmpp.client import ConnectionSettings
        from xmppsocial.xmpp.service import XmppService, flush_outbox

        settings = ConnectionSettings(account.jid, password, account.host, account.port,
                                      account.ca_file, account.verify_tls)
        # The store is the follow book: the account's follow lists are merged into it on
        # each connect, so a new machine shows the same follows (issue 14).
        service = XmppService(settings, sink, followed=store.followed_nodes,
                              notify_contacts=account.notify_contacts, history=store.history,
                              book=store, public_follows=account.public_follows)
        service.on_online = lambda: flush_outbox(service, store)
        service.step_events = True  # "catching up", "sending the outbox" on the status line
        return service

    return factory
