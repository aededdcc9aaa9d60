"""Interop with a real Libervia 0.9 on Prosody, both directions.

Libervia's posts (plain, Markdown, XHTML, tags, long, edit, retract, comment, like,
repeat) as our CLI and TUI read them; ours (title, Markdown, tags, reply, edit, retract,
like, repeat) as ``libervia-cli blog get -C -O json`` reads them, and Libervia's like on
our post. The fixture and Libervia's own defects are in tests/libervia.py.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import account_factory
from tests.integration.test_cli import Cli
from tests.libervia import ADMINS, APT_PACKAGES, Libervia, missing

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def libervia(server_pool, tmp_path_factory):
    reason = missing()
    if reason:
        message = (f"{reason}; as root run: apt-get install -y --no-install-recommends "
                   f"{APT_PACKAGES} (or simply: make test)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    admins = " ".join(f"{name}@localhost" for name in ADMINS)
    server = server_pool.get("prosody", "libervia", {"fast": "1", "pubsub_admins": admins})
    backend = Libervia(tmp_path_factory.mktemp("libervia"), server)
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def ours(libervia, tmp_path):
    """``await ours("alice")``: our CLI as a fresh account on Libervia's server."""
    factory = account_factory(libervia.server)

    async def make(prefix: str) -> Cli:
        return Cli(await factory(prefix), tmp_path / prefix)

    return make


async def run(cli: Cli, *argv: str, stdin: str | None = None) -> str:
    code, out, err = await cli(*argv, stdin=stdin)
    assert code == 0, f"xmppsocial {' '.join(argv)}: exit {code}: {err}"
    return out


async def read(cli: Cli, jid: str, *argv: str) -> list[dict]:
    return json.loads(await run(cli, "read", jid, "--json", *argv))


LONG = "\n\n".join(f"Paragraph {n}: " + "words in a long post " * 12 for n in range(40))


def by_id(posts: list[dict]) -> dict[str, dict]:
    return {p["id"]: p for p in posts}


async def test_libervia_posts_read_by_our_cli(libervia, ours) -> None:
    carol, dave = await libervia.new_user(), await libervia.new_user()
    bob = await ours("bob")
    plain = await carol.post("Just words, no markup", title="Plain", syntax="text")
    markdown = await carol.post("Some **bold** and a [link](https://example.org/md)",
                                title="Markdown", tags=("interop", "md"), comments=True)
    xhtml = await carol.post('<p>Raw <em>XHTML</em>: <a href="https://example.org/x">x</a></p>'
                             "<ul><li>one</li><li>two</li></ul>", title="XHTML", syntax="xhtml")
    long = await carol.post(LONG, title="Long")
    gone = await carol.post("Soon deleted", title="Retracted")
    untitled = await carol.post("A short note without a title")
    await carol.edit(plain, "Just words, **edited**")
    await carol.delete(gone)
    posts = by_id(await read(bob, carol.jid))
    assert gone not in posts and set(posts) == {plain, markdown, xhtml, long, untitled}
    assert posts[plain]["content"] == "Just words, edited"
    assert posts[plain]["updated"] > posts[plain]["published"]
    assert posts[markdown]["title"] == "Markdown"
    assert posts[markdown]["content"] == "Some bold and a link <https://example.org/md>"
    assert posts[markdown]["tags"] == ["interop", "md"]
    assert posts[markdown]["author"] == carol.jid
    assert posts[xhtml]["content"] == "Raw XHTML: x <https://example.org/x>\n\n• one\n• two"
    assert posts[long]["content"].count("Paragraph") == 40
    assert posts[untitled]["title"] == "A short note without a title"

    # A comment (on pubsub.localhost, where Libervia made the node) and a like, by dave.
    [node] = by_id(await carol.blog(carol.jid))[markdown]["comments"]
    assert node["service"] == libervia.server.pubsub_domain
    note = await dave.post("Nice one, carol", service=node["service"], node=node["node"])
    await dave.like(carol.jid, markdown)
    shown = await read(bob, carol.jid, "--comments", markdown)
    assert [(c["id"], c["author"], c["title"]) for c in shown] == [
        (note, dave.jid, "Nice one, carol")]
    assert by_id(await read(bob, carol.jid))[markdown]["likes"] == 1

    # A repeat of dave's post on carol's blog.
    original = await dave.post("Worth repeating", title="Dave's original")
    boost = await carol.repeat(dave.jid, original)
    repeated = by_id(await read(bob, carol.jid))[boost]
    assert (repeated["title"], repeated["author"]) == ("Dave's original", dave.jid)
    uri = f"xmpp:{dave.jid}?;node=urn%3Axmpp%3Amicroblog%3A0;item={original}"
    assert {"rel": "via", "href": uri, "type": None} in repeated["links"]
    text = await run(bob, "read", carol.jid)
    assert f"(via {carol.jid})" in text


async def test_our_posts_read_by_libervia(libervia, ours) -> None:
    carol = await libervia.new_user()
    alice = await ours("alice")
    first = (await run(alice, "post", "Hello **Libervia**, see [the spec](https://xmpp.org/)",
                       "--title", "From xmppsocial", "--tag", "interop")).strip()
    second = (await run(alice, "post", "A second one")).strip()
    gone = (await run(alice, "post", "Retract me")).strip()
    await run(alice, "reply", first, "--to", alice.settings.jid, "A *reply* to myself")
    await run(alice, "edit", first, "--title", "From xmppsocial, edited",
              "Hello **again**, see [the spec](https://xmpp.org/)")
    await run(alice, "retract", gone)
    seen = by_id(await carol.blog(alice.settings.jid))
    assert set(seen) == {first, second}
    post = seen[first]
    assert post["title"] == "From xmppsocial, edited"
    assert post["content"] == "Hello again, see the spec <https://xmpp.org/>"
    assert "<strong>again</strong>" in post["content_xhtml"]
    assert post["tags"] == ["interop"] and post["author_jid"] == alice.settings.jid
    assert post["updated"] > post["published"]
    [comments] = post["comments"]
    replies = await carol.blog(comments["service"], comments["node"])
    assert [r["content"] for r in replies] == ["A reply to myself"]

    # A Libervia user follows (a plain subscribe: Libervia's own goes through PAM, which
    # Prosody refuses) and shows among our followers.
    await carol.follow(alice.settings.jid)
    assert carol.jid in (await run(alice, "followers")).split()

    # Libervia's like on our post is accepted (its attachments node exists) and counted.
    await carol.like(alice.settings.jid, first)
    assert by_id(await read(alice, alice.settings.jid))[first]["likes"] == 1
    assert [a["from"] for a in await carol.attachments(alice.settings.jid, first)] == [
        carol.jid]


async def test_our_likes_and_repeats_of_libervia_posts(libervia, ours) -> None:
    carol = await libervia.new_user()
    bob = await ours("bob")
    item = await carol.post("Like and repeat me", title="Carol's post")
    await run(bob, "like", item, "--to", carol.jid)
    attached = await carol.attachments(carol.jid, item)
    assert [(a["from"], a["noticed"]["noticed"]) for a in attached] == [(bob.settings.jid, True)]
    boost = (await run(bob, "repeat", "--from", carol.jid, item)).strip()
    shown = by_id(await carol.blog(bob.settings.jid))[boost]
    assert shown["title"] == "Carol's post" and shown["author_jid"] == carol.jid
    assert shown["extra"]["repeated"] == {
        "by": bob.settings.jid,
        "uri": f"xmpp:{carol.jid}?;node=urn%3Axmpp%3Amicroblog%3A0;item={item}"}
    await run(bob, "unlike", item, "--to", carol.jid)
    attached = await carol.attachments(carol.jid, item)
    assert all(not a.get("noticed", {}).get("noticed") for a in attached)


async def test_the_tui_shows_libervia_posts(libervia, ours, tmp_path) -> None:
    from textual.widgets import Static

    from tests.integration.test_tui_end_to_end import wait_until
    from xmppsocial.config import Account
    from xmppsocial.model import NodeRef
    from xmppsocial.store import Store
    from xmppsocial.ui.launch import build_app

    carol, dave = await libervia.new_user(), await libervia.new_user()
    await carol.post("Some **bold** words and a [link](https://example.org/tui)",
                     title="Markdown for the TUI")
    original = await dave.post("Dave wrote this", title="Dave's")
    await carol.repeat(dave.jid, original)
    bob = (await ours("bob")).settings
    store = Store(tmp_path / "bob.sqlite3")
    store.set_feed(NodeRef(carol.jid), followed=True)
    server = libervia.server
    app = build_app(store, Account(bob.jid, host=server.host, port=server.port,
                                   ca_file=server.cafile), bob.password)

    def titles() -> set[str]:
        rows = (app.feed.rows.row(i) for i in range(len(app.feed.rows)))
        return {row.title for row in rows if row is not None}

    shown: dict[str, str] = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(lambda: app.status.state.value == "online", pilot, 30)
            await wait_until(lambda: {"Markdown for the TUI", "Dave's"} <= titles(), pilot, 30)
            await pilot.press("g")
            for _ in range(len(app.feed.rows)):
                await pilot.pause(0.3)
                text = str(app.query_one("#thread-body", Static).render())
                shown[text.split("\n", 1)[0]] = text
                await pilot.press("j")
    finally:
        store.close()
    markdown = shown["Markdown for the TUI"]
    assert "Some bold words and a link" in markdown and "**" not in markdown
    assert f"repeated by {carol.jid}" in shown["Dave's"]
    assert "Dave wrote this" in shown["Dave's"]


async def test_likes_between_libervia_and_the_tui(libervia, ours, tmp_path) -> None:
    """Libervia's XEP-0470 like on our post is counted in our thread; l in our TUI likes
    Libervia's post the way Libervia reads it, and l again takes it back."""
    from tests.integration.test_tui_end_to_end import wait_until
    from xmppsocial.config import Account
    from xmppsocial.model import NodeRef
    from xmppsocial.store import Store
    from xmppsocial.ui.launch import build_app

    carol = await libervia.new_user()
    alice = await ours("alice")
    mine = (await run(alice, "post", "Like me from Libervia", "--title", "Alice's")).strip()
    await carol.like(alice.settings.jid, mine)
    theirs = await carol.post("Like me from the TUI", title="Carol's")
    store = Store(tmp_path / "alice-tui.sqlite3")
    store.set_feed(NodeRef(carol.jid), followed=True)
    server = libervia.server
    app = build_app(store, Account(alice.settings.jid, host=server.host, port=server.port,
                                   ca_file=server.cafile), alice.settings.password)

    def thread() -> str:
        return str(app.query_one("#thread-body").render())

    def select(title: str) -> bool:
        for index in range(len(app.feed.rows)):
            row = app.feed.rows.row(index)
            if getattr(row, "title", "") == title:
                app.feed.rows.move(index)
                app.feed.sync()
                return True
        return False

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(lambda: app.status.state.value == "online", pilot, 30)
            await wait_until(lambda: select("Alice's"), pilot, 30)
            await wait_until(lambda: thread().startswith("Alice's") and "♥ 1" in thread(),
                             pilot, 20)
            await wait_until(lambda: select("Carol's"), pilot, 30)
            await wait_until(lambda: thread().startswith("Carol's"), pilot, 10)
            await pilot.press("l")
            await wait_until(lambda: "(you like it)" in thread(), pilot, 20)
            attached = await carol.attachments(carol.jid, theirs)
            assert [(a["from"], a["noticed"]["noticed"]) for a in attached] == [
                (alice.settings.jid, True)]
            await pilot.press("l")
            await wait_until(lambda: "you like it" not in thread(), pilot, 20)
            attached = await carol.attachments(carol.jid, theirs)
            assert all(not a.get("noticed", {}).get("noticed") for a in attached)
    finally:
        store.close()
