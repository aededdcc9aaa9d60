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
from tests.libervia import ADMINS, APT_PACKAGES, Libervia, LiberviaError, missing

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


async def test_libervia_posts_read_by_our_cli(libervia, ours) -> None:
    carol = await libervia.new_user()
    bob = await ours("bob")
    plain = await carol.post("Just words, no markup", title="Plain", syntax="text")
    markdown = await carol.post("Some **bold** and a [link](https://example.org/md)",
                                title="Markdown", tags=("interop", "md"))
    posts = {p["id"]: p for p in await read(bob, carol.jid)}
    assert posts[plain]["title"] == "Plain"
    assert posts[plain]["content"] == "Just words, no markup"
    assert posts[markdown]["content"] == "Some bold and a link <https://example.org/md>"
    assert posts[markdown]["tags"] == ["interop", "md"]
    assert posts[markdown]["author"] == carol.jid
    with pytest.raises(LiberviaError):
        await carol.like(bob.settings.jid, "no-such-item")
