"""The command line, run as a user runs it, against both servers."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.integration.test_service import online
from xmppsocial.model import MICROBLOG_NODE, NodeRef

pytestmark = pytest.mark.integration


class Cli:
    """Runs ``python -m xmppsocial`` for one account with private XDG directories."""

    def __init__(self, settings, home: Path) -> None:
        self.settings = settings
        self.env = {**os.environ, "XMPPSOCIAL_PASSWORD": settings.password,
                    **{v: str(home / v.lower()) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                          "XDG_CACHE_HOME", "XDG_STATE_HOME")}}

    async def __call__(self, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "xmppsocial", "--jid", self.settings.jid, "--server",
            f"{self.settings.host}:{self.settings.port}", "--ca-file",
            str(self.settings.ca_file), *argv, env=self.env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else b""), 60)
        return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def alice_cli(new_account, tmp_path):
    return Cli(await new_account("alice"), tmp_path / "alice")


async def test_post_read_edit_reply_retract(xmpp_server, new_account, alice_cli,
                                            tmp_path) -> None:
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, out, err = await alice_cli("post", "Hello *world*", "--title", "First",
                                     "--tag", "hello", "--access", "open")
    assert code == 0, err
    first = out.strip()
    code, out, err = await alice_cli("post", "-", "--title", "Second", stdin="from **stdin**\n")
    assert code == 0, err
    second = out.strip()

    code, out, err = await bob("read", alice_cli.settings.jid, "--json")
    assert code == 0, err
    posts = json.loads(out)
    assert [p["id"] for p in posts] == [second, first]
    assert posts[1]["title"] == "First" and posts[1]["content"] == "Hello world"
    assert posts[1]["tags"] == ["hello"] and posts[1]["author"] == alice_cli.settings.jid
    assert posts[1]["comments"].startswith("xmpp:")
    assert set(posts[0]) == {"id", "service", "node", "author", "author_name", "title",
                             "content", "published", "updated", "tags", "in_reply_to",
                             "comments", "links", "likes"}

    code, out, err = await alice_cli("edit", first, "Hello *again*")
    assert code == 0, err
    code, out, err = await bob("reply", first, "Nice one", "--to", alice_cli.settings.jid)
    assert code == 0, err
    code, out, err = await bob("read", alice_cli.settings.jid, "--comments", first, "--json")
    assert [c["content"] for c in json.loads(out)] == ["Nice one"]
    code, out, err = await bob("read", alice_cli.settings.jid)
    assert "Hello again" in out and "(edited)" in out

    code, out, err = await alice_cli("retract", second)
    assert code == 0, err
    code, out, err = await bob("read", alice_cli.settings.jid, "--json")
    assert [p["id"] for p in json.loads(out)] == [first]


async def test_paging_with_limit_more_and_before(xmpp_server, new_account, alice_cli) -> None:
    alice, _ = await online(alice_cli.settings)
    from tests.integration.test_service import a_post
    try:
        for n in range(7):
            await alice.publish_post(a_post(alice.jid, f"page-post-{n:02d}", f"n{n}", "x"),
                                     access="open")
    finally:
        await alice.stop()
    code, out, err = await alice_cli("read", "--limit", "3", "--json")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)] == ["page-post-06", "page-post-05", "page-post-04"]
    code, out, _ = await alice_cli("read", "--limit", "3", "--more", "--json")
    assert [p["id"] for p in json.loads(out)] == ["page-post-03", "page-post-02", "page-post-01"]
    code, out, _ = await alice_cli("read", "--limit", "2", "--before", "page-post-02", "--json")
    assert [p["id"] for p in json.loads(out)] == ["page-post-01", "page-post-00"]


async def test_follow_following_followers(xmpp_server, new_account, alice_cli,
                                          tmp_path) -> None:
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    assert (await alice_cli("post", "hi", "--access", "open"))[0] == 0
    assert (await bob("follow", alice_cli.settings.jid))[0] == 0
    code, out, _ = await bob("following", "--json")
    assert json.loads(out) == [{"service": alice_cli.settings.jid, "node": MICROBLOG_NODE}]
    code, out, err = await alice_cli("followers")
    if xmpp_server.kind == "ejabberd":
        assert code == 4 and "does not list the followers" in err
    else:
        assert code == 0 and out.split() == [bob.settings.jid]
    assert (await bob("unfollow", alice_cli.settings.jid))[0] == 0
    code, out, _ = await bob("following", "--json")
    assert json.loads(out) == []
    code, out, err = await bob("following")
    assert code == 0 and out == "" and "follow no blogs yet" in err
    if xmpp_server.kind == "prosody":
        code, out, err = await bob("followers")
        assert code == 0 and out == "" and "Nobody follows your blog yet" in err, err


async def test_exit_codes_and_messages(xmpp_server, alice_cli) -> None:
    code, _, err = await alice_cli("read", "--limit", "0")
    assert code == 2 and "--limit" in err
    alice_cli.env["XMPPSOCIAL_PASSWORD"] = "wrong"
    code, _, err = await alice_cli("read")
    assert code == 3 and "auth failed" in err and "Traceback" not in err
    alice_cli.env["XMPPSOCIAL_PASSWORD"] = alice_cli.settings.password
    code, _, err = await alice_cli("read", "nobody-here@" + xmpp_server.domain)
    assert code == 4 and "refused:" in err
    code, _, err = await alice_cli("reply", "no-such-item-1", "text")
    assert code == 4 and "item-not-found" in err


async def test_a_refused_post_is_kept_as_a_draft(xmpp_server, new_account, alice_cli) -> None:
    from xmppsocial.store import Store

    # carol's blog is not alice's to write to
    carol = await new_account("carol")
    code, _, err = await alice_cli("post", "my precious words", "--to", carol.jid)
    assert code == 4 and "kept as draft" in err
    store = Store(Path(alice_cli.env["XDG_DATA_HOME"]) / "xmppsocial" / "xmppsocial.sqlite3")
    assert store.draft("new").body == "my precious words"  # the TUI composer's key
    store.close()
    assert NodeRef(carol.jid)  # the target existed; the refusal came from the server


async def test_export_atom_reads_back_with_feedparser_and_opml_lists_follows(
        xmpp_server, new_account, alice_cli, tmp_path) -> None:
    import feedparser

    for n in range(3):
        code, _, err = await alice_cli("post", f"Post *number* {n}", "--title", f"T{n}",
                                       "--tag", "x", "--access", "open")
        assert code == 0, err
    target = tmp_path / "blog.atom"
    code, _, err = await alice_cli("export", "--atom", "-o", str(target))
    assert code == 0, err
    parsed = feedparser.parse(target.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert [e.title for e in parsed.entries] == ["T2", "T1", "T0"]
    assert "number" in parsed.entries[0].content[0].value
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    assert (await bob("follow", alice_cli.settings.jid))[0] == 0
    code, out, _ = await bob("export", "--opml")
    assert f'xmlUrl="xmpp:{alice_cli.settings.jid}?;node=urn%3Axmpp%3Amicroblog%3A0"' in out


async def test_import_is_idempotent_and_republishes_only_what_changed(
        xmpp_server, new_account, alice_cli, tmp_path) -> None:
    import http.server
    import threading

    source = Path(__file__).resolve().parent.parent / "data" / "feeds" / "blog.atom"
    feed = tmp_path / "blog.atom"
    feed.write_bytes(source.read_bytes())
    code, out, err = await alice_cli("import", str(feed), "--access", "open")
    assert code == 0, err
    assert out.strip().endswith("3 new, 0 changed, 0 unchanged, 0 failed")
    assert "skipped" in err  # the entry with neither title nor content

    # the same feed over HTTP (loopback): nothing to do
    body = feed.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code, out, err = await alice_cli("import", f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
    assert code == 0, err
    assert out.strip().endswith("0 new, 0 changed, 3 unchanged, 0 failed")

    feed.write_text(feed.read_text().replace("Three herons", "Four herons"))
    code, out, _ = await alice_cli("import", str(feed), "--dry-run")
    assert "changed   " in out and "Herons" in out and "dry run" in out
    code, out, err = await alice_cli("import", str(feed))
    assert out.strip().endswith("0 new, 1 changed, 2 unchanged, 0 failed"), err
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, out, _ = await bob("read", alice_cli.settings.jid, "--json")
    posts = {p["title"]: p for p in json.loads(out)}
    assert set(posts) == {"High water", "Herons", "Undated note"}
    assert posts["Herons"]["content"] == "Four herons on the weir this morning."
    assert posts["High water"]["tags"] == ["river", "weather"]


async def test_import_of_something_that_is_not_a_feed_says_so(xmpp_server, alice_cli,
                                                             tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text("just some words, no feed here")
    code, out, err = await alice_cli("import", str(page))
    assert code == 2 and out == ""
    assert err.startswith("xmppsocial: not a feed") and "Traceback" not in err
    code, _, err = await alice_cli("import", str(tmp_path / "missing.atom"))
    assert code == 2 and "Traceback" not in err and "missing.atom" in err
    code, out, err = await alice_cli("read", "--json")
    assert code == 4 and "item-not-found" in err  # nothing published: not even a blog made
