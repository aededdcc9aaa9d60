"""Building and connecting a slixmpp client inside an already-running asyncio loop.

slixmpp binds its event loop when the client object is constructed, and
Textual's ``App.run()`` creates a fresh loop; a client made before the app
runs would be tied to a loop that never runs and would silently never
connect. So clients are only ever built here, from a coroutine.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from pathlib import Path

import slixmpp

from xmppsocial.model import ConnectionState

log = logging.getLogger(__name__)

PLUGINS = ("xep_0030", "xep_0004", "xep_0059", "xep_0060", "xep_0115", "xep_0163", "xep_0199")
# A one-shot command sends no presence and lives for seconds: it needs no caps, no PEP
# interests and no keepalive pings.
ONE_SHOT_PLUGINS = ("xep_0030", "xep_0004", "xep_0059", "xep_0060")


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach and authenticate one account.

    ``verify_tls`` stays True unless the user turns it off for this account;
    ``ca_file`` adds one trusted certificate (a private CA or a self-signed
    server) on top of the normal verification path.
    """

    jid: str
    password: str
    host: str | None = None
    port: int | None = None
    ca_file: Path | None = None
    verify_tls: bool = True


class ConnectError(Exception):
    """The session could not be established; ``state`` says why in the model's terms."""

    def __init__(self, state: ConnectionState, reason: str) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason


class SocialClient(slixmpp.ClientXMPP):
    """A ClientXMPP configured from ConnectionSettings, with the plugins the app needs."""

    def __init__(self, settings: ConnectionSettings, *, plugins: tuple[str, ...] | None = None,
                 features: tuple[str, ...] = (), interests: tuple[str, ...] = (),
                 present: bool = True):
        super().__init__(settings.jid, settings.password, loop=asyncio.get_running_loop())
        self.settings = settings
        if settings.host:
            # An explicit host:port is a plain c2s port: STARTTLS, not direct TLS.
            self.enable_direct_tls = False
        if settings.ca_file is not None:
            self.ca_certs = Path(settings.ca_file)
        if not settings.verify_tls:
            self.ssl_context.check_hostname = False
            self.ssl_context.verify_mode = ssl.CERT_NONE
        for name in plugins or (PLUGINS if present else ONE_SHOT_PLUGINS):
            self.register_plugin(name)
        # Not self.features: slixmpp keeps the stream features under that name.
        self.disco_features, self.interests = features, interests
        # A one-shot command is never present: it asks and leaves, so nothing is pushed to
        # it, and the roster and presence round trips would only slow it down.
        self.present = present
        self._capabilities_set = False

    async def start(self, timeout: float = 30.0) -> None:
        """Connect, wait for the session and announce presence, or raise ConnectError.

        Presence matters: servers route pushes for a bare JID only to resources
        that have sent an available presence.
        """
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[None] = loop.create_future()

        def fail(state: ConnectionState, reason: str) -> None:
            if not outcome.done():
                outcome.set_exception(ConnectError(state, reason))

        def on_session_start(_event: object) -> None:
            if not outcome.done():
                outcome.set_result(None)

        handlers = {
            "session_start": on_session_start,
            "failed_all_auth": lambda _e: fail(ConnectionState.AUTH_FAILED,
                                               "the server refused the password"),
            "ssl_invalid_chain": lambda e: fail(ConnectionState.CERT_REJECTED,
                                                f"certificate rejected: {e}"),
            "connection_failed": lambda e: fail(ConnectionState.UNREACHABLE,
                                                f"cannot reach the server: {e}"),
        }
        for event, handler in handlers.items():
            self.add_event_handler(event, handler)
        try:
            self.connect(self.settings.host, self.settings.port)
            await asyncio.wait_for(outcome, timeout)
            if self.present:
                await self.get_roster(timeout=timeout)
                await self._announce_capabilities()
                self.send_presence()
        except (ConnectError, TimeoutError) as exc:
            self.cancel_connection_attempt()
            self.abort()
            await _settle()
            if isinstance(exc, TimeoutError):
                raise ConnectError(ConnectionState.UNREACHABLE,
                                   f"no session within {timeout:g} s") from exc
            raise
        finally:
            for event, handler in handlers.items():
                self.del_event_handler(event, handler)

    async def _announce_capabilities(self) -> None:
        # Caps must be final before the initial presence: servers decide +notify
        # delivery from the caps in an undirected presence, not from later ones.
        if self._capabilities_set or "xep_0030" not in self.plugin:
            return
        self._capabilities_set = True
        for feature in self.disco_features:
            await self.plugin["xep_0030"].add_feature(feature)
        if self.interests and "xep_0163" in self.plugin:
            self.plugin["xep_0163"].add_interest(list(self.interests))
        if "xep_0115" in self.plugin:
            await self.plugin["xep_0115"].update_caps(broadcast=False)

    async def stop(self) -> None:
        """Close the stream politely."""
        if self.is_connected():
            await self.disconnect(wait=1.0)
        else:
            self.cancel_connection_attempt()
        await _settle()


async def _settle() -> None:
    """Let slixmpp's cancelled background tasks (its send queue) finish cancelling, so a
    loop that closes right after does not find them pending."""
    for _ in range(3):
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)
