"""The command line keeps work and says what went wrong in a person's words.

Every bad input the issue lists is run as a user runs it and its one line and exit
code checked (0 ok, 2 usage, 3 cannot connect, 4 refused, 5 the cache cannot be used).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import account_factory, require_binary
from tests.integration.test_cli import Cli
from xmppsocial.localserver import XmppServer
from xmppsocial.store import Store

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cache_of(cli: Cli) -> Path:
    return cli.cache


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("xmppsocial: ") and "Traceback" not in err


@pytest.fixture
async def alice(new_account, tmp_path):
    return Cli(await new_account("alice"), tmp_path / "alice")


async def test_an_offline_post_is_queued_and_delivered_once_with_its_comments_node(
        xmpp_server, new_account, alice, tmp_path) -> None:
    """The defect: `post` while offline exited 3 and kept nothing; posts sent from the
    outbox got no comments node, so nobody could reply to them."""
    offline = Cli(replace(alice.settings, port=closed_port()), tmp_path / "alice")
    code, out, err = await offline("post", "Written *offline*", "--title", "Offline",
                                   "--access", "open")
    assert code == 0, err
    item = out.strip()
    assert err.startswith("xmppsocial: queued: not connected (nothing answers at ")
    assert "it will be sent the next time xmppsocial is online" in err
    code, out, _ = await offline("outbox", "--json")
    (waiting,) = json.loads(out)
    assert (waiting["state"], waiting["kind"], waiting["item_id"]) == ("pending", "publish", item)
    code, out, err = await offline("post", "not to be kept", "--no-queue")
    assert code == 3 and "nothing answers at" in err and one_line(err)
    assert len(json.loads((await offline("outbox", "--json"))[1])) == 1

    code, out, err = await alice("read", "--json")  # online again: the outbox goes first
    assert code == 0 and "sent 1 waiting item from the outbox" in err
    assert [p["id"] for p in json.loads(out)] == [item]
    code, out, err = await alice("read", "--json")
    assert "sent" not in err and json.loads((await alice("outbox", "--json"))[1]) == []

    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, out, _ = await bob("read", alice.settings.jid, "--json")
    (post,) = json.loads(out)
    assert post["id"] == item and post["title"] == "Offline"
    assert post["comments"].startswith("xmpp:")  # made on delivery
    code, out, err = await bob("reply", item, "Replying works", "--to", alice.settings.jid)
    assert code == 0, err


async def test_an_offline_reply_and_edit_wait_in_the_outbox(xmpp_server, new_account, alice,
                                                           tmp_path) -> None:
    code, out, err = await alice("post", "First words", "--title", "Original",
                                 "--access", "open")
    item = out.strip()
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    assert (await bob("read", alice.settings.jid))[0] == 0  # now in bob's cache
    bob_offline = Cli(replace(bob.settings, port=closed_port()), tmp_path / "bob")
    code, out, err = await bob_offline("reply", item, "Said while offline", "--to",
                                       alice.settings.jid)
    assert code == 0 and "queued:" in err, err
    alice_offline = Cli(replace(alice.settings, port=closed_port()), tmp_path / "alice")
    code, out, err = await alice_offline("edit", item, "Edited while offline")
    assert code == 0 and "queued:" in err and out.strip() == item, err
    code, out, err = await bob_offline("reply", "not-cached-01", "Nowhere", "--to",
                                       alice.settings.jid)
    assert code == 3 and "not in the cache" in err and "kept as draft" in err

    assert "sent 1 waiting item" in (await alice("read"))[2]
    assert "sent 1 waiting item" in (await bob("read", alice.settings.jid))[2]
    code, out, _ = await bob("read", alice.settings.jid, "--comments", item, "--json")
    assert [c["content"] for c in json.loads(out)] == ["Said while offline"]
    code, out, _ = await bob("read", alice.settings.jid, "--json")
    assert json.loads(out)[0]["content"] == "Edited while offline"


async def test_refused_text_is_a_draft_under_the_composers_key(xmpp_server, new_account,
                                                              alice) -> None:
    """The defect: a refused CLI post was saved under a draft name nothing could open."""
    carol = await new_account("carol")
    code, _, err = await alice("post", "my precious words", "--to", carol.jid)
    assert code == 4 and "kept as draft 'new'" in err and one_line(err)
    code, _, err = await alice("post", "more precious words", "--to", carol.jid)
    assert code == 4 and "kept as draft 'new#2'" in err  # never over the first
    code, out, _ = await alice("drafts", "--json")
    assert {d["key"]: d["body"] for d in json.loads(out)} == {
        "new": "my precious words", "new#2": "more precious words"}
    code, out, _ = await alice("drafts", "show", "new")
    assert (code, out) == (0, "my precious words\n")
    code, _, err = await alice("drafts", "delete", "new#2")
    assert code == 0 and "deleted draft" in err
    code, _, err = await alice("drafts", "show", "new#2")
    assert code == 2 and "no draft 'new#2'" in err
    code, out, err = await alice("outbox")
    assert code == 0 and out == "" and "the outbox is empty" in err  # never queued


async def test_a_post_too_big_for_prosody_is_refused_by_name(prosody_stock, tmp_path) -> None:
    """The defect: the CLI waited 31 s and said "no answer from the server" without naming
    the size; the TUI queued the post, which then killed every connection."""
    cli = Cli(await account_factory(prosody_stock)("big"), tmp_path / "big")
    big = "word " * 400_000  # 2 MB of Markdown; Debian's Prosody takes 256 KiB stanzas
    code, out, err = await cli("post", "-", "--title", "Too big", stdin=big)
    assert code == 4 and out == "" and one_line(err), err
    assert "too big for this server" in err and "MB" in err and "no answer" not in err
    assert "kept as draft 'new'" in err
    assert json.loads((await cli("outbox", "--json"))[1]) == []
    code, out, _ = await cli("drafts", "show", "new")
    assert out.strip() == big.strip()
    code, out, err = await cli("post", "a normal post")
    assert code == 0, err  # nothing is left to break the next connection


async def test_bad_input_gets_one_line_and_its_exit_code(xmpp_server, alice, tmp_path) -> None:
    cases = [
        (["--server", "127.0.0.1", "read"], 3, "127.0.0.1:5222"),  # the default port, not ignored
        (["--jid", "bob", "read"], 2, "--jid: expected a bare JID like alice@example.org"),
        (["--jid", "bob @localhost", "read"], 2, "--jid: expected a bare JID"),
        (["--jid", "b<b@localhost", "read"], 2, "is not a valid JID"),
        (["--ca-file", str(tmp_path / "none.pem"), "read"], 2, "no such file"),
        (["export", "-o", str(tmp_path)], 2, "is a directory; give a file name"),
        (["--server", f"127.0.0.1:{closed_port()}", "read"], 3,
         "(connection refused): is the server running?"),
        (["--jid", "bob@example.org", "read"], 3, "does not serve example.org (host-unknown)"),
        (["read", "--limit", "0"], 2, "--limit"),
        (["outbox", "discard", "42"], 2, "no outbox item 42"),
    ]
    bogus = tmp_path / "ca.pem"
    bogus.write_text("-----BEGIN NOTHING-----\nnot a certificate\n")
    cases.append((["--ca-file", str(bogus), "read"], 2, "not a certificate in PEM form"))
    for argv, expected, words in cases:
        code, out, err = await alice(*argv)
        assert (code, words in err, one_line(err)) == (expected, True, True), (argv, err)
        assert "Errno" not in err


async def test_a_malformed_config_is_the_error_not_the_first_run_screen(alice) -> None:
    """The defect: a malformed config.toml opened the first-run account screen."""
    config = Path(alice.env["XDG_CONFIG_HOME"]) / "xmppsocial" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[account]\njid = "alice@localhost"\n')
    for argv in ([], ["read"]):  # the TUI, then a command
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "xmppsocial", *argv, env=alice.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 2 and out == b"", (argv, err)
        assert err.decode() == f"xmppsocial: {config}: not valid TOML: Expected ']]' at the " \
                               "end of an array declaration (at line 1, column 10)\n"


async def test_tls_warnings_and_contacts_only_blogs(xmpp_server, new_account, alice,
                                                   tmp_path) -> None:
    code, _, err = await alice("--no-verify-tls", "post", "hi", "--access", "presence")
    assert code == 0 and "warning: the server certificate is NOT verified" in err
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, _, closed = await bob("read", alice.settings.jid)
    code2, _, missing = await bob("read", f"nobody-{os.getpid()}@{xmpp_server.domain}")
    assert code == code2 == 4 and one_line(closed) and one_line(missing)
    assert f"{alice.settings.jid}'s blog is for contacts only" in closed
    assert "the account does not exist or has never posted" in missing
    code, _, err = await bob("follow", alice.settings.jid)
    assert code == 4 and "for contacts only" in err


async def test_a_server_without_starttls_is_not_a_wrong_password(tmp_path) -> None:
    """The defect: a server offering no STARTTLS was reported as "the server refused the
    password"."""
    require_binary("prosody")
    (tmp_path / "server").mkdir()
    server = XmppServer("prosody", tmp_path / "server", settings={"fast": "1", "tls": "0"})
    server.start()
    try:
        from xmppsocial.xmpp.client import ConnectionSettings

        cli = Cli(ConnectionSettings("alice@localhost", "whatever-1", server.host, server.port,
                                     None), tmp_path / "alice")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "xmppsocial", "--jid", "alice@localhost", "--server",
            server.address, "read", env=cli.env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        text = err.decode()
        assert proc.returncode == 3 and one_line(text), text
        assert "offers no encryption (STARTTLS), so the password was not sent" in text
        assert "refused the password" not in text
    finally:
        server.stop()


async def test_a_damaged_cache_stops_cli_and_tui_alike_and_is_left_untouched(alice) -> None:
    """The defect: for an unusable cache the CLI printed a traceback (exit 1), the TUI
    exited 0, and with damage in the middle the CLI wrote into the file."""
    assert (await alice("post", "something to cache", "--access", "open"))[0] == 0
    path = cache_of(alice)
    data = bytearray(path.read_bytes())
    middle = (len(data) // 4096 // 2) * 4096
    data[middle:middle + 4096] = b"\x5a" * 4096
    path.write_bytes(bytes(data))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in path.parent.iterdir()}
    for argv in (["read"], []):  # a command, then the TUI
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "xmppsocial", "--jid", alice.settings.jid, "--server",
            f"{alice.settings.host}:{alice.settings.port}", "--ca-file",
            str(alice.settings.ca_file), *argv, env=alice.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        text = err.decode()
        assert proc.returncode == 5 and one_line(text), (argv, text)
        assert str(path) in text and "the cache is damaged" in text and "move it aside" in text
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in path.parent.iterdir()}
    assert after == before  # same bytes; no -wal, -shm or lock made beside it


HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from xmppsocial.store.opening import open_account_store
    store = open_account_store({jid!r}, role="tui")
    print("holding", flush=True)
    time.sleep(120)
""")


async def test_a_second_instance_says_who_writes_and_never_loses_work(alice, tmp_path) -> None:
    """The defect: two instances of one account silently overwrote each other's draft."""
    assert (await alice("post", "hello", "--access", "open"))[0] == 0
    root = str(Path(__file__).resolve().parents[2])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=root,
                                                                   jid=alice.settings.jid)],
                              env=alice.env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        code, out, err = await alice("read", "--json")
        assert code == 0 and len(json.loads(out)) == 1
        assert f"is open in another xmppsocial, the TUI (pid {holder.pid}" in err
        assert "this command does not update the local cache" in err
        offline = Cli(replace(alice.settings, port=closed_port()), tmp_path / "alice")
        code, _, err = await offline("post", "offline and not the writer")
        assert code == 3 and "nothing can be queued" in err, err
    finally:
        holder.kill()
        holder.wait()
    store = Store(cache_of(alice))
    assert store.pending() == [] and store.drafts() == []
    store.close()


async def test_the_log_records_the_connection_never_the_password_or_the_post(alice) -> None:
    """The defect: no log was ever written, though the README named a log directory."""
    secret_body = "a body that must not reach the log"
    assert (await alice("post", secret_body, "--access", "open"))[0] == 0
    log = Path(alice.env["XDG_STATE_HOME"]) / "xmppsocial" / "log" / "xmppsocial.log"
    text = log.read_text()
    assert "online as " in text and "xmppsocial 0." in text
    assert alice.settings.password not in text and secret_body not in text
    assert (await alice("--debug", "read"))[0] == 0
    text = log.read_text()
    assert "SEND: " in text and "RECV: " in text and "[redacted]" in text
    assert alice.settings.password not in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"
