"""Shared fixtures: real XMPP servers on loopback, fresh accounts per test.

One instance of each server kind serves the whole test session; tests isolate
themselves by registering accounts with unique names. When a server binary is
missing the test is skipped with the install command, except under CI=true,
where it fails: a missing install step must never hide behind a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from xmppsocial.localserver import APT_PACKAGES, XmppServer, find_binary

SERVER_KINDS = ("prosody", "ejabberd")


class ServerPool:
    """Starts each (kind, variant) once, on first use, and stops them all at the end."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.running: dict[tuple[str, str], XmppServer] = {}

    def get(self, kind: str, variant: str = "fast",
            settings: dict[str, str] | None = None) -> XmppServer:
        """The running instance of ``kind``; ``settings`` (localserver's) make a variant
        other than "fast" (the test-speed config) and "stock" (Debian's defaults)."""
        key = (kind, variant)
        if key not in self.running:
            require_binary(kind)
            directory = self.base / f"{kind}-{variant}"
            directory.mkdir(parents=True)
            settings = settings or {"fast": "1" if variant == "fast" else "0"}
            server = XmppServer(kind, directory, settings=settings)
            server.start()
            self.running[key] = server
        return self.running[key]

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


def require_binary(kind: str) -> None:
    if find_binary(kind) is None:
        message = (f"{kind} is not installed; as root run: "
                   f"apt-get install -y {APT_PACKAGES[kind]} (or simply: make test)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    pool = ServerPool(tmp_path_factory.mktemp("xmpp"))
    yield pool
    pool.stop_all()


@pytest.fixture(params=SERVER_KINDS)
def xmpp_server(request: pytest.FixtureRequest, server_pool: ServerPool) -> XmppServer:
    """Each protocol test runs once against Prosody and once against ejabberd."""
    return server_pool.get(request.param)


@pytest.fixture
def prosody(server_pool: ServerPool) -> XmppServer:
    """Prosody with the fast test settings (Nagle off, PEP in memory, big item cap)."""
    return server_pool.get("prosody")


@pytest.fixture
def prosody_stock(server_pool: ServerPool) -> XmppServer:
    """Prosody as Debian ships it (file storage, Nagle on, 256-item cap)."""
    return server_pool.get("prosody", "stock")


AccountFactory = Callable[..., Awaitable["ConnectionSettings"]]  # noqa: F821


def account_factory(server: XmppServer) -> AccountFactory:
    from xmppsocial.xmpp.client import ConnectionSettings
    from xmppsocial.xmpp.register import register_account

    async def new_account(prefix: str = "user", password: str = "s3cret-pass") -> ConnectionSettings:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        settings = ConnectionSettings(jid=f"{name}@{server.domain}", password=password,
                                      host=server.host, port=server.port, ca_file=server.cafile)
        await register_account(settings)
        return settings

    return new_account


@pytest.fixture
def new_account(xmpp_server: XmppServer) -> AccountFactory:
    """``await new_account("alice")`` registers a unique account on the current server."""
    return account_factory(xmpp_server)
