"""The protocol building blocks against both real servers, below the Post model."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest

from xmppsocial.model import MICROBLOG_NODE, NodeRef
from xmppsocial.xmpp import following, nodes, publishing, reading
from xmppsocial.xmpp.client import SocialClient
from xmppsocial.xmpp.iq import ServiceError

pytestmark = pytest.mark.integration
ATOM = "http://www.w3.org/2005/Atom"


def entry(n: int) -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(element, f"{{{ATOM}}}title").text = f"post {n}"
    ET.SubElement(element, f"{{{ATOM}}}updated").text = f"2026-11-25T10:{n // 60:02d}:{n % 60:02d}Z"
    return element


async def online(new_account, name: str) -> SocialClient:
    client = SocialClient(await new_account(name))
    await client.start()
    return client


async def test_explicit_blog_node_keeps_every_post(xmpp_server, new_account) -> None:
    """A plain publish would autocreate a one-item node; ensure_blog prevents that."""
    alice = await online(new_account, "alice")
    me = alice.boundjid.bare
    try:
        config = await nodes.ensure_blog(alice, me, MICROBLOG_NODE, "open")
        assert config.access_model == "open"
        for n in range(3):
            await publishing.publish(alice, me, MICROBLOG_NODE, f"item-{n:03d}", entry(n),
                                     {"pubsub#access_model": "open"})
        page = await reading.latest(alice, me, MICROBLOG_NODE, 10)
        assert [i.item_id for i in page.items] == ["item-002", "item-001", "item-000"]
    finally:
        await alice.stop()


async def test_a_one_item_node_is_raised_to_max(xmpp_server, new_account) -> None:
    alice = await online(new_account, "alice")
    me = alice.boundjid.bare
    try:
        # What another client's bare publish leaves behind: max_items=1, contacts only.
        await publishing.publish(alice, me, MICROBLOG_NODE, "autocreated", entry(0))
        before = await nodes.get_config(alice, me, MICROBLOG_NODE)
        assert before.max_items == "1"
        after = await nodes.ensure_blog(alice, me, MICROBLOG_NODE, "open")
        assert after.max_items not in ("1", "")
        assert after.access_model == before.access_model == "presence"  # audience untouched
    finally:
        await alice.stop()


async def test_unknown_publish_option_does_not_lose_the_item(xmpp_server, new_account) -> None:
    alice = await online(new_account, "alice")
    me = alice.boundjid.bare
    try:
        await nodes.ensure_blog(alice, me, MICROBLOG_NODE, "open")
        # ejabberd 23.01 refuses pubsub#max_items in publish-options ("Unknown field").
        kept = await publishing.publish(alice, me, MICROBLOG_NODE, "with-options", entry(1),
                                        {"pubsub#max_items": "max",
                                         "pubsub#access_model": "open"})
        assert kept == "with-options"
        got = await reading.by_ids(alice, me, MICROBLOG_NODE, ["with-options"])
        assert [i.item_id for i in got] == ["with-options"]
    finally:
        await alice.stop()


@pytest.mark.parametrize("reader", ["owner", "stranger"])
async def test_150_posts_page_back_complete_and_in_order(xmpp_server, new_account, reader) -> None:
    """RSM on ejabberd; on Prosody the item-id list (owner) or a widening window (stranger)."""
    alice = await online(new_account, "alice")
    bob = await online(new_account, "bob")
    me = alice.boundjid.bare
    who = alice if reader == "owner" else bob
    try:
        await nodes.ensure_blog(alice, me, MICROBLOG_NODE, "open")
        await asyncio.gather(*(publishing.publish(alice, me, MICROBLOG_NODE, f"p-{n:04d}", entry(n))
                               for n in range(150)))
        sent: list[str] = []

        def outgoing(stanza):  # type: ignore[no-untyped-def]
            sent.append(stanza.name)
            return stanza

        who.add_filter("out", outgoing)
        page = await reading.latest(who, me, MICROBLOG_NODE, 20)
        who.del_filter("out", outgoing)
        assert sent == ["iq"]  # how to page back is settled only when the user asks
        seen = [i.item_id for i in page.items]
        pages = 1
        while page.cursor is not None:
            cursor = reading.Cursor.decode(page.cursor.encode())  # as the store keeps it
            page = await reading.older(who, me, MICROBLOG_NODE, cursor, 20)
            seen += [i.item_id for i in page.items]
            pages += 1
        assert len(seen) == len(set(seen)) == 150
        assert seen == [f"p-{n:04d}" for n in reversed(range(150))]
        assert pages in (8, 9)
    finally:
        await alice.stop()
        await bob.stop()


async def test_followers_listed_or_clearly_unsupported(xmpp_server, new_account) -> None:
    alice = await online(new_account, "alice")
    bob = await online(new_account, "bob")
    blog = NodeRef(alice.boundjid.bare, MICROBLOG_NODE)
    try:
        await nodes.ensure_blog(alice, blog.service, blog.node, "open")
        state = await following.subscribe(bob, blog)
        assert state.state == "subscribed"
        if xmpp_server.kind == "ejabberd":
            with pytest.raises(following.Unsupported) as caught:
                await following.subscribers(alice, blog)
            assert "does not list the followers" in caught.value.message
        else:
            subs = await following.subscribers(alice, blog)
            assert bob.boundjid.bare in [s.jid for s in subs]
        await following.unsubscribe(bob, blog)
        await following.unsubscribe(bob, blog)  # twice: already unsubscribed is fine
    finally:
        await alice.stop()
        await bob.stop()


async def test_reading_a_contacts_only_blog_as_a_stranger_is_refused(xmpp_server, new_account) -> None:
    alice = await online(new_account, "alice")
    bob = await online(new_account, "bob")
    me = alice.boundjid.bare
    try:
        await nodes.ensure_blog(alice, me, MICROBLOG_NODE, "presence")
        await publishing.publish(alice, me, MICROBLOG_NODE, "private-1", entry(1))
        with pytest.raises(ServiceError) as caught:
            await reading.latest(bob, me, MICROBLOG_NODE, 10)
        assert caught.value.condition in ("forbidden", "not-authorized")
    finally:
        await alice.stop()
        await bob.stop()
