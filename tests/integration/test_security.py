"""What the app leaves on disk, what it says about TLS, and what it does with refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.integration.test_cli import Cli
from tests.integration.test_tui_end_to_end import wait_until
from xmppsocial.config import Account
from xmppsocial.model import ConnectionState
from xmppsocial.store import Store
from xmppsocial.ui.launch import build_app

pytestmark = pytest.mark.integration


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*")]


async def test_no_password_on_disk_and_private_modes(xmpp_server, new_account, tmp_path) -> None:
    cli = Cli(await new_account("alice"), tmp_path / "home")
    assert (await cli("post", "hello", "--access", "open"))[0] == 0
    assert (await cli("read", "--json"))[0] == 0
    assert (await cli("follow", cli.settings.jid))[0] == 0
    written = [p for p in all_files(tmp_path / "home")]
    assert cli.cache in written  # the account's own cache, under its own directory
    secret = cli.settings.password.encode()
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            if "xmppsocial" in path.parts:
                assert mode == 0o700, path
        else:
            assert mode == 0o600, (path, oct(mode))
            assert secret not in path.read_bytes(), path


async def test_tls_opt_out_is_visible_and_verification_is_the_default(
        xmpp_server, new_account, tmp_path) -> None:
    settings = await new_account("bob")
    refused = Cli(settings, tmp_path / "refused")
    refused_args = ["--jid", settings.jid]  # no CA file: the self-signed cert must fail
    import asyncio
    import sys
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xmppsocial", *refused_args, "--server",
        f"{settings.host}:{settings.port}", "read", env=refused.env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 3 and err.count(b"certificate rejected") == 1
    assert b"--ca-file" in err and b"verify_tls" in err and b"Traceback" not in err

    store = Store(tmp_path / "optout.sqlite3")
    account = Account(settings.jid, host=settings.host, port=settings.port, verify_tls=False)
    app = build_app(store, account, settings.password)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(lambda: app.status.state is ConnectionState.ONLINE, pilot)
        assert "certificate NOT verified" in str(app.status.render())
    store.close()


async def test_payload_too_big_keeps_the_text(xmpp_server, new_account, tmp_path) -> None:
    if xmpp_server.kind != "ejabberd":
        pytest.skip("only ejabberd refuses a 5 MB item under the test settings "
                    "(Prosody's limit is raised for the hostile-input tests)")
    cli = Cli(await new_account("carol"), tmp_path / "carol")
    big = "word " * 300_000  # 1.5 MB of text, twice that on the wire (XHTML + text)
    code, _, err = await cli("post", "-", "--title", "Too big", stdin=big)
    assert code == 4 and "too big" in err and "kept as draft" in err
    store = Store(cli.cache)
    assert store.draft("new").body.strip() == big.strip()
    store.close()
    assert os.path.exists(cli.env["XDG_DATA_HOME"])


async def test_a_certificate_for_another_host_is_refused(tmp_path) -> None:
    """The CA file is trusted, but the certificate names another host: still refused."""
    import subprocess

    from tests.conftest import require_binary
    from xmppsocial.localserver import XmppServer
    from xmppsocial.xmpp.client import ConnectError, ConnectionSettings, SocialClient

    require_binary("prosody")
    directory = tmp_path / "server"
    directory.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(directory / "key.pem"),
                    "-out", str(directory / "cert.pem"), "-days", "2", "-subj",
                    "/CN=elsewhere.example", "-addext", "subjectAltName=DNS:elsewhere.example"],
                   check=True, capture_output=True)
    server = XmppServer("prosody", directory, settings={"fast": "1"})
    server.start()
    try:
        good = ConnectionSettings("wronghost@localhost", "pw-123456", server.host, server.port,
                                  server.cafile, verify_tls=False)
        from xmppsocial.xmpp.register import register_account
        await register_account(good)
        strict = ConnectionSettings(good.jid, good.password, server.host, server.port,
                                    server.cafile)
        with pytest.raises(ConnectError) as caught:
            await SocialClient(strict).start(timeout=15)
        assert caught.value.state is ConnectionState.CERT_REJECTED
        assert "certificate" in caught.value.reason
    finally:
        server.stop()
