"""Finding blogs on both servers: contacts with a blog, the feeds of a pubsub service."""

from __future__ import annotations

import json

import pytest

from tests.integration.graph_support import become_contacts, publish_something, started_things
from tests.integration.test_cli import Cli
from xmppsocial.model import NodeRef
from xmppsocial.xmpp import nodes

pytestmark = pytest.mark.integration

running = pytest.fixture(name="running")(started_things)


async def test_contacts_with_a_blog(xmpp_server, new_account, running, tmp_path) -> None:
    bob_s, carol_s, dave_s = (await new_account("bob"), await new_account("carol"),
                              await new_account("dave"))
    await publish_something(running, carol_s, "carol-post-07")
    bob, _ = await running.service(bob_s)
    for other in (carol_s, dave_s):  # dave is a contact without a blog
        contact, _ = await running.service(other)
        await become_contacts(bob, contact)
        await contact.stop()
    assert [f.node for f in await bob.contacts_blogs()] == [NodeRef(carol_s.jid)]
    await bob.follow(NodeRef(carol_s.jid))
    code, out, err = await Cli(bob_s, tmp_path / "bob")("contacts", "--json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert (row["service"], row["latest"], row["followed"]) == (carol_s.jid, "Hello", True)


async def test_the_feeds_of_a_pubsub_service(xmpp_server, new_account, running,
                                             tmp_path) -> None:
    alice_s = await new_account("alice")
    cli = Cli(alice_s, tmp_path / "alice")
    code, out, err = await cli("feeds", "--json")
    assert code == 0 and json.loads(out) == [xmpp_server.pubsub_domain], err
    if xmpp_server.kind == "prosody":  # only admins make nodes on Prosody's component
        code, out, err = await cli("feeds", xmpp_server.pubsub_domain)
        assert code == 0 and out == "" and "lists no feeds" in err
        return
    alice, _ = await running.service(alice_s)
    community = f"garden-club-{alice_s.jid.split('@')[0][-6:]}"
    await nodes.create(alice.client, xmpp_server.pubsub_domain, community, [{
        "pubsub#access_model": "open", "pubsub#title": "The garden club",
        "pubsub#type": "urn:xmpp:pubsub-social-feed:1"}])
    await nodes.create(alice.client, xmpp_server.pubsub_domain,
                       "urn:xmpp:microblog:0:comments/not-a-feed", nodes.comments_config())
    code, out, err = await cli("feeds", f"xmpp:{xmpp_server.pubsub_domain}", "--json")
    assert code == 0, err
    rows = {r["node"]: r for r in json.loads(out)}
    assert "urn:xmpp:microblog:0:comments/not-a-feed" not in rows
    assert rows[community]["title"] == "The garden club"
    assert rows[community]["type"] == "urn:xmpp:pubsub-social-feed:1"
    code, _, err = await cli("follow", f"xmpp:{xmpp_server.pubsub_domain}?;node={community}")
    assert code == 0, err
    code, out, _ = await cli("feeds", xmpp_server.pubsub_domain)
    assert f"{xmpp_server.pubsub_domain} {community}  The garden club  (following)" in out
    code, _, err = await cli("follow", xmpp_server.pubsub_domain)
    assert code == 2 and "is a service, not a blog" in err
