"""Starting the TUI for an account: the cache opens first, the connection follows."""

from __future__ import annotations

from xmppsocial.config import Account
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp


def build_app(store: Store, account: Account | None, password: str | None) -> XmppSocialApp:
    """The app for ``account``; without one it opens offline on the cache."""
    if account is None or password is None:
        return XmppSocialApp(store)
    store.set_feed(NodeRef(account.jid), own=True)

    def factory(sink):  # type: ignore[no-untyped-def]
        # Built here, inside the running loop: slixmpp binds its loop at construction.
        from xmppsocial.xmpp.client import ConnectionSettings
        from xmppsocial.xmpp.service import XmppService, flush_outbox

        settings = ConnectionSettings(account.jid, password, account.host, account.port,
                                      account.ca_file, account.verify_tls)
        service = XmppService(settings, sink, followed=store.followed_nodes,
                              notify_contacts=account.notify_contacts)
        service.on_online = lambda: flush_outbox(service, store)
        return service

    return XmppSocialApp(store, service_factory=factory, account=account.jid,
                         insecure=not account.verify_tls)
