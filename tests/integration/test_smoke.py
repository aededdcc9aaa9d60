"""The fixtures work: a real STARTTLS login, publish, push and fetch on each server."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import account_factory
from xmppsocial.model import MICROBLOG_NODE, ConnectionState
from xmppsocial.xmpp.client import ConnectError, ConnectionSettings, SocialClient

pytestmark = pytest.mark.integration
ATOM = "http://www.w3.org/2005/Atom"
EVENT = "http://jabber.org/protocol/pubsub#event"


def atom_entry(title: str, body: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = body
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = "2026-11-25T10:00:00Z"
    return entry


async def open_blog_round_trip(new_account) -> tuple[str, str]:
    """alice makes an open blog and posts; bob (not a contact) follows, gets the push, fetches."""
    alice_settings, bob_settings = await new_account("alice"), await new_account("bob")
    alice, bob = SocialClient(alice_settings), SocialClient(bob_settings)
    await alice.start()
    await bob.start()
    pushed: asyncio.Queue[str] = asyncio.Queue()

    def on_publish(msg) -> None:
        # Not `for item in msg["pubsub_event"]["items"]`: slixmpp keeps the iteration
        # index on the stanza object and is itself iterating it while calling us, so
        # a nested loop over the same stanza never ends.
        for item in msg.xml.iter(f"{{{EVENT}}}item"):
            pushed.put_nowait(item.get("id"))

    bob.add_event_handler("pubsub_publish", on_publish)
    try:
        alice_jid = alice.boundjid.bare
        form = alice.plugin["xep_0004"].make_form("submit")
        form.add_field("FORM_TYPE", value="http://jabber.org/protocol/pubsub#node_config", ftype="hidden")
        form.add_field("pubsub#access_model", value="open")
        form.add_field("pubsub#max_items", value="max")
        await alice.plugin["xep_0060"].create_node(alice_jid, MICROBLOG_NODE, config=form)
        await bob.plugin["xep_0060"].subscribe(alice_jid, MICROBLOG_NODE, bare=True)
        await alice.plugin["xep_0060"].publish(alice_jid, MICROBLOG_NODE, id="hello-world",
                                               payload=atom_entry("Hello", "first post"))
        pushed_id = await asyncio.wait_for(pushed.get(), 10)
        reply = await bob.plugin["xep_0060"].get_items(alice_jid, MICROBLOG_NODE, max_items=10)
        items = list(reply["pubsub"]["items"])
        assert [item["id"] for item in items] == ["hello-world"]
        content = items[0]["payload"].find(f"{{{ATOM}}}content")
        return pushed_id, content.text
    finally:
        await alice.stop()
        await bob.stop()


async def test_publish_push_fetch_round_trip(new_account) -> None:
    assert await open_blog_round_trip(new_account) == ("hello-world", "first post")


async def test_round_trip_on_stock_prosody(prosody_stock) -> None:
    """Debian's own Prosody settings (file storage, Nagle on) behave the same for one post."""
    assert await open_blog_round_trip(account_factory(prosody_stock)) == ("hello-world", "first post")


async def test_wrong_password_is_auth_failed(xmpp_server, new_account) -> None:
    good = await new_account("carol")
    bad = ConnectionSettings(good.jid, "not-the-password", good.host, good.port, good.ca_file)
    with pytest.raises(ConnectError) as caught:
        await SocialClient(bad).start(timeout=15)
    assert caught.value.state is ConnectionState.AUTH_FAILED


async def test_untrusted_certificate_is_refused_by_default(xmpp_server, new_account) -> None:
    """Without the test CA file, the self-signed server certificate must be rejected."""
    good = await new_account("dave")
    no_ca = ConnectionSettings(good.jid, good.password, good.host, good.port, ca_file=None)
    with pytest.raises(ConnectError) as caught:
        await SocialClient(no_ca).start(timeout=15)
    assert caught.value.state is ConnectionState.CERT_REJECTED


async def test_per_account_opt_out_accepts_untrusted_certificate(xmpp_server, new_account) -> None:
    good = await new_account("erin")
    opted_out = ConnectionSettings(good.jid, good.password, good.host, good.port,
                                   ca_file=None, verify_tls=False)
    client = SocialClient(opted_out)
    await client.start(timeout=15)
    assert client.is_connected()
    await client.stop()
