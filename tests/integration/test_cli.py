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

    @property
    def cache(self) -> Path:
        """This account's own cache file, as the CLI lays it out under its XDG data dir."""
        from xmppsocial import paths

        own = paths.database_file(self.settings.jid).relative_to(paths.data_dir())
        return Path(self.env["XDG_DATA_HOME"]) / "xmppsocial" / own


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
    code, out, _ = await bob("follow", alice_cli.settings.jid)
    assert code == 0 and out.strip() == (f"Following {alice_cli.settings.jid} "
                                         "(your follow list is private)")
    code, out, _ = await bob("following", "--json")
    assert json.loads(out) == [{"service": alice_cli.settings.jid, "node": MICROBLOG_NODE,
                                "public": False}]
    code, out, err = await alice_cli("followers")
    if xmpp_server.kind == "ejabberd":  # ejabberd#4483: said plainly, not an error
        assert code == 0 and "cannot list who follows your blog" in err and out == ""
    else:
        assert code == 0 and out.split() == [bob.settings.jid]
    code, out, _ = await bob("unfollow", alice_cli.settings.jid)
    assert code == 0 and out.strip() == f"No longer following {alice_cli.settings.jid}"
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
    store = Store(alice_cli.cache)
    assert store.draft("new").body == "my precious words"
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
    assert all(len(e.content) == 1 for e in parsed.entries)  # one content per entry
    assert all(e.id.startswith(f"xmpp:{alice_cli.settings.jid}?;node=") for e in parsed.entries)
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


async def test_follows_live_on_the_account_across_data_directories(
        xmpp_server, new_account, alice_cli, tmp_path) -> None:
    bob_settings = await new_account("bob")
    laptop, other_laptop = Cli(bob_settings, tmp_path / "a"), Cli(bob_settings, tmp_path / "b")
    assert (await alice_cli("post", "hello", "--access", "open"))[0] == 0
    code, _, err = await laptop("follow", f"xmpp:{alice_cli.settings.jid}?;node="
                                          "urn%3Axmpp%3Amicroblog%3A0", "--public")
    assert code == 0, err
    code, out, err = await other_laptop("following", "--json")  # an empty data directory
    assert code == 0, err
    assert json.loads(out) == [{"service": alice_cli.settings.jid, "node": MICROBLOG_NODE,
                                "public": True}]
    assert "followed elsewhere" in err
    assert (await other_laptop("unfollow", alice_cli.settings.jid))[0] == 0
    code, out, _ = await laptop("following", "--json")
    assert json.loads(out) == []
    laptop.env["XMPPSOCIAL_PASSWORD"] = "wrong"  # not offline: an error, exit 3
    assert (await laptop("following"))[0] == 3
    laptop.env["XMPPSOCIAL_PASSWORD"] = bob_settings.password
    code, _, err = await laptop("--server", "127.0.0.1:1", "following")  # unreachable
    assert code == 0 and "Offline" in err and "cached" in err


async def test_two_accounts_in_one_config_never_see_each_others_data(
        xmpp_server, new_account, tmp_path) -> None:
    from xmppsocial.store import Store

    bob_s, dave_s, alice_s = (await new_account("bob"), await new_account("dave"),
                              await new_account("alice"))
    home = tmp_path / "home"
    config = home / "xdg_config_home" / "xmppsocial" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("".join(f'[[account]]\njid = "{s.jid}"\n' for s in (bob_s, dave_s)))
    bob, dave = Cli(bob_s, home), Cli(dave_s, home)  # the same XDG directories
    assert (await Cli(alice_s, tmp_path / "alice")("post", "hi", "--access", "open"))[0] == 0
    assert (await bob("post", "bob's own words", "--access", "open"))[0] == 0
    assert (await bob("follow", alice_s.jid))[0] == 0
    code, _, err = await bob("post", "kept as a draft", "--to", alice_s.jid)  # refused
    assert code == 4 and "kept as draft" in err
    code, out, _ = await dave("following", "--json")
    assert json.loads(out) == []
    assert bob.cache != dave.cache
    store = Store(dave.cache)
    try:
        assert store.posts_count() == 0 and store.drafts() == [] and store.follows() == {}
    finally:
        store.close()
    store = Store(bob.cache)
    try:
        assert store.draft("new").body == "kept as a draft" and store.posts_count() == 1
    finally:
        store.close()


async def test_notifications_of_comments_and_new_followers(xmpp_server, new_account,
                                                          alice_cli, tmp_path) -> None:
    carol = Cli(await new_account("carol"), tmp_path / "carol")
    code, out, err = await alice_cli("post", "My garden", "--title", "Garden", "--access", "open")
    assert code == 0, err
    item = out.strip()
    code, out, err = await alice_cli("notifications")  # where watching starts
    assert code == 0 and out == "" and "No notifications yet" in err
    assert (await carol("reply", item, "Lovely!", "--to", alice_cli.settings.jid))[0] == 0
    assert (await carol("follow", alice_cli.settings.jid))[0] == 0
    code, out, err = await alice_cli("notifications", "--json")
    assert code == 0, err
    notes = json.loads(out)
    comment = next(n for n in notes if n["kind"] == "comment")
    assert (comment["actor"], comment["text"], comment["read"]) == (carol.settings.jid,
                                                                    "Lovely!", False)
    assert comment["post"].endswith(f";item={item}") and comment["post_title"] == "Garden"
    if xmpp_server.kind == "prosody":  # ejabberd cannot list followers (ejabberd#4483)
        assert [n["actor"] for n in notes if n["kind"] == "follower"] == [carol.settings.jid]
    code, out, _ = await alice_cli("notifications", "--unread", "--mark-read", "--offline")
    assert "commented on your post “Garden”: Lovely!" in out and out.startswith("●")
    code, out, err = await alice_cli("notifications", "--unread", "--offline")
    assert out == "" and "No new notifications" in err
