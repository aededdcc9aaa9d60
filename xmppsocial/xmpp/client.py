"""Building and connecting a slixmpp client inside an already-running asyncio loop.

slixmpp binds its event loop when the client object is constructed, and
Textual's ``App.run()`` creates a fresh loop; a client made before the app
runs would be tied to a loop that never runs and would silently never
connect. So clients are only ever built here, from a coroutine.

A long-lived client (``present``) uses XEP-0198 stream management where the server
offers it, so a short drop resumes the session with nothing lost, and watches its
connection: after ``ping_interval`` seconds of silence it asks the server for an ack
(or pings it), and a path that stays silent is closed so that reconnecting can begin.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import slixmpp
from slixmpp.jid import InvalidJID

from xmppsocial import wording as words
from xmppsocial.config import DEFAULT_PING_INTERVAL
from xmppsocial.model import ConnectionState
from xmppsocial.reconnect import Liveness, watch
from xmppsocial.xmpp.inflight import STANZA_ERRORS, Requests

log = logging.getLogger(__name__)

PLUGINS = ("xep_0030", "xep_0004", "xep_0059", "xep_0060", "xep_0115", "xep_0163", "xep_0199",
           "xep_0198")
# A one-shot command sends no presence and lives for seconds: it needs no caps, no PEP
# interests, no keepalive pings and no stream to resume.
ONE_SHOT_PLUGINS = ("xep_0030", "xep_0004", "xep_0059", "xep_0060")
DEFAULT_PORT = 5222


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach and authenticate one account.

    ``verify_tls`` stays True unless the user turns it off for this account;
    ``ca_file`` adds one trusted certificate (a private CA or a self-signed
    server) on top of the normal verification path. ``ping_interval``: seconds of
    silence before the connection is checked (a dead path is noticed within about
    twice that).
    """

    jid: str
    password: str
    host: str | None = None
    port: int | None = None
    ca_file: Path | None = None
    verify_tls: bool = True
    ping_interval: float = DEFAULT_PING_INTERVAL


class ConnectError(Exception):
    """The session could not be established; ``state`` says why in the model's terms."""

    def __init__(self, state: ConnectionState, reason: str) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason


class BadSettings(ValueError):
    """The settings themselves cannot work (a malformed JID, a CA file that is no
    certificate): a usage error, reported before any connection is tried."""


class SocialClient(slixmpp.ClientXMPP):
    """A ClientXMPP configured from ConnectionSettings, with the plugins the app needs."""

    def __init__(self, settings: ConnectionSettings, *, plugins: tuple[str, ...] | None = None,
                 features: tuple[str, ...] = (), interests: tuple[str, ...] = (),
                 present: bool = True):
        try:
            super().__init__(settings.jid, settings.password, loop=asyncio.get_running_loop())
        except InvalidJID as exc:
            raise BadSettings(f"{settings.jid!r} is not a valid JID ({exc}); expected "
                              "one like alice@example.org") from None
        self.settings = settings
        if settings.host:
            # An explicit host:port is a plain c2s port: STARTTLS, not direct TLS.
            self.enable_direct_tls = False
        if settings.ca_file is not None:
            problem = words.ca_file_problem(Path(settings.ca_file))
            if problem:
                raise BadSettings(problem)
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
        self.requests = Requests()
        self.requests.on_timeout = self.suspect
        self.last_heard = time.monotonic()
        self.drop_reason = ""
        self.stream_error: tuple[str, str, list[str]] | None = None
        self._suspected = asyncio.Event()
        self._watchdog: asyncio.Task[None] | None = None
        self.add_event_handler("session_start", self._session_up)
        self.add_event_handler("session_resumed", self._session_up)
        self.add_event_handler("session_end", self._session_gone)
        self.add_event_handler("disconnected", self._connection_gone)
        self.add_event_handler("stream_error", self._stream_error)

    @property
    def address(self) -> str:
        """Where we connect, for messages: host:port, or the JID's domain (DNS SRV)."""
        if self.settings.host:
            return f"{self.settings.host}:{self.settings.port or DEFAULT_PORT}"
        return self.boundjid.domain

    @property
    def resumable(self) -> bool:
        plugin = self.plugin["xep_0198"] if "xep_0198" in self.plugin else None
        return bool(plugin is not None and plugin.sm_id and not self.end_session_on_disconnect)

    # ------------------------------------------------------------------ connecting
    async def start(self, timeout: float = 30.0) -> bool:
        """Connect, wait for the session and announce presence, or raise ConnectError.

        Returns True when the previous session was resumed (XEP-0198): the server kept
        our roster, presence and subscriptions, and sends again what we missed.
        Presence matters: servers route pushes for a bare JID only to resources
        that have sent an available presence.
        """
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[bool] = loop.create_future()
        self.drop_reason, self.stream_error = "", None

        def fail(state: ConnectionState, reason: str) -> None:
            if not outcome.done():
                outcome.set_exception(ConnectError(state, reason))

        def done(resumed: bool) -> None:
            if not outcome.done():
                outcome.set_result(resumed)

        def refused_login(_event: object) -> None:
            if self._encrypted:
                fail(ConnectionState.AUTH_FAILED,
                     f"the server refused the password for {self.boundjid.bare}")
            else:
                fail(ConnectionState.AUTH_FAILED, words.no_encryption(self.address))

        handlers = {
            "session_start": lambda _e: done(False),
            "session_resumed": lambda _e: done(True),
            "failed_all_auth": refused_login,
            "ssl_invalid_chain": lambda e: fail(ConnectionState.CERT_REJECTED,
                                                words.certificate(self.boundjid.domain,
                                                                  self.address, e)),
            "connection_failed": lambda e: fail(ConnectionState.UNREACHABLE,
                                                words.unreachable(self.address, e)),
            # A server that does not serve the JID's domain never will: final, like a
            # wrong password.
            "stream_error": lambda e: fail(
                ConnectionState.AUTH_FAILED if e["condition"] == "host-unknown"
                else ConnectionState.UNREACHABLE,
                words.stream_refused(self.address, self.boundjid.domain, e["condition"],
                                     e["text"])),
            # After a moment: a TLS or stream error that closed it says more, and comes
            # just after.
            "disconnected": lambda _e: loop.call_later(
                0.3, fail, ConnectionState.UNREACHABLE,
                f"{self.address} closed the connection during login"),
        }
        for event, handler in handlers.items():
            self.add_event_handler(event, handler)
        try:
            port = self.settings.port or (DEFAULT_PORT if self.settings.host else None)
            self.connect(self.settings.host, port)
            resumed = await asyncio.wait_for(outcome, timeout)
            if self.present and not resumed:
                await self.get_roster(timeout=timeout)
                await self._announce_capabilities()
                self.send_presence()
        except BaseException as exc:
            self.cancel_connection_attempt()
            self.abort()
            await _settle()
            if isinstance(exc, TimeoutError):
                raise ConnectError(ConnectionState.UNREACHABLE,
                                   f"no answer from {self.address} within {timeout:g} s") \
                    from exc
            raise
        finally:
            for event, handler in handlers.items():
                self.del_event_handler(event, handler)
        return resumed

    @property
    def _encrypted(self) -> bool:
        transport = self.transport
        return bool(transport is not None and transport.get_extra_info("ssl_object"))

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
        self._stop_watching()
        # Leaving on purpose ends the session: nothing is left for a resumption.
        self.end_session_on_disconnect = True
        if self.is_connected():
            await self.disconnect(wait=1.0)
        else:
            self.cancel_connection_attempt()
        self.requests.lost()
        await _settle()

    # ------------------------------------------------------------------ liveness
    def data_received(self, data: bytes | str) -> None:
        self.last_heard = time.monotonic()
        super().data_received(data)

    def suspect(self) -> None:
        """Something went unanswered: check the connection now."""
        self._suspected.set()

    def _session_up(self, _event: object) -> None:
        self.requests.started()
        self.last_heard = time.monotonic()
        if self.present and self._watchdog is None:
            interval = max(0.5, float(self.settings.ping_interval))
            policy = Liveness(interval, min(max(interval, 2.0), 30.0))
            self._suspected.clear()
            self._watchdog = asyncio.get_running_loop().create_task(
                watch(policy, lambda: self.last_heard, self._probe, self._dead,
                      suspected=self._suspected))

    def _probe(self) -> None:
        try:
            plugin = self.plugin["xep_0198"] if "xep_0198" in self.plugin else None
            if plugin is not None and plugin.enabled_out:
                plugin.request_ack()
            elif "xep_0199" in self.plugin:
                future = self.plugin["xep_0199"].send_ping(self.boundjid.domain, timeout=60)
                future.add_done_callback(lambda f: f.cancelled() or f.exception())
        except Exception as exc:  # noqa: BLE001 - a probe that cannot go out proves the point
            log.info("liveness probe not sent: %s", exc)

    def _dead(self, silence: float) -> None:
        self._watchdog = None
        self.drop_reason = f"no answer from the server for {silence:.0f} s"
        log.warning("connection to %s is dead: %s", self.address, self.drop_reason)
        self.abort()

    def forget_stream(self) -> None:
        """Give up resuming this session: the next connection starts a fresh one, and
        what was waiting on this one ends now (nothing of it is sent again)."""
        if "xep_0198" in self.plugin:
            self.plugin["xep_0198"].session_end(None)
        self.requests.lost(self.stream_error)

    def _stop_watching(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.cancel()

    def _connection_gone(self, _event: object) -> None:
        self._stop_watching()
        if self.resumable and self.stream_error is None:
            self.requests.paused()
        else:
            self.requests.lost(self.stream_error)

    def _session_gone(self, _event: object) -> None:
        self.requests.lost(self.stream_error)

    def _stream_error(self, error: object) -> None:
        xml = error.xml  # type: ignore[attr-defined]
        children = [child.tag.partition("}")[2] for child in xml
                    if child.tag.startswith(f"{{{STANZA_ERRORS}}}")]
        self.stream_error = (error["condition"], error["text"] or "", children)  # type: ignore[index]
        log.warning("stream error from %s: %s %s", self.address, *self.stream_error[:2])
        # The server ended the session: do not try to resume it, nor send its queue again.
        self.end_session_on_disconnect = True


async def _settle() -> None:
    """Let slixmpp's cancelled background tasks (its send queue) finish cancelling, so a
    loop that closes right after does not find them pending."""
    for _ in range(3):
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)
