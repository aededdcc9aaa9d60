"""Likes, unlikes, repeats, the blog's audience, paging after edits and new nodes on a
pubsub service, on both servers, through the service and the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_cli import Cli
from tests.integration.test_service import a_post, online
from xmppsocial.content.compose import edited, like_comment, new_post
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.xmpp import nodes, reactions
from xmppsocial.xmpp.iq import ServiceError
from xmppsocial.xmpp.publishing import AccessModelMismatch

pytestmark = pytest.mark.integration


async def test_a_stranger_can_like_our_post_with_xep_0470_and_take_it_back(
        xmpp_server, new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))  # not in alice's roster
    try:
        post = new_post(service=alice.jid, author_name="Alice", markdown="Like me",
                        item_id="like-me-0001")
        await alice.publish_post(post)
        config = await nodes.get_config(alice.client, alice.jid,
                                        reactions.attachments_node(post.ref))
        assert (config.access_model, config.publish_model) == ("open", "open")
        assert await bob.like(post) == "attachment"
        assert (await alice.reactions(post)).noticed == {bob.jid}
        assert await bob.unlike(post) == [post.ref]
        assert await alice.likers(post) == set()
        assert await bob.unlike(post) == []  # nothing left to take back
    finally:
        await alice.stop()
        await bob.stop()


async def test_a_heart_like_is_taken_back_where_the_server_allows(xmpp_server,
                                                                   new_account) -> None:
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        comments = await alice.create_comments_node("hearts-0001")
        post = replace(a_post(alice.jid, "hearts-0001", "Old style", "x"), comments=comments)
        # A post from a client that makes no attachments node (Movim).
        from xmppsocial.content.entry_writer import build_entry
        from xmppsocial.xmpp import publishing
        await publishing.publish(alice.client, alice.jid, MICROBLOG_NODE, post.item_id,
                                 build_entry(post))
        heart = like_comment(post, service=bob.jid, author_name="Bob")
        assert await bob.like(post, heart) == "comment"
        assert await bob.like(post, heart) == "comment"  # once is enough
        assert [c.is_like for c in await alice.comments(post)] == [True]
        if xmpp_server.kind == "prosody":
            # Prosody lets only a node's owner delete items: the heart stays, and says so.
            with pytest.raises(ServiceError) as refused:
                await bob.unlike(post)
            assert refused.value.has("forbidden")
        else:
            assert await bob.unlike(post) == [heart.ref]
            assert await alice.likers(post) == set()
    finally:
        await alice.stop()
        await bob.stop()


async def test_the_blog_audience_is_public_by_default_and_changed_for_the_whole_blog(
        xmpp_server, new_account, tmp_path) -> None:
    alice = Cli(await new_account("alice"), tmp_path / "alice")
    stranger = Cli(await new_account("stranger"), tmp_path / "stranger")
    code, out, _ = await alice("audience")
    assert code == 0 and "not created yet" in out
    code, out, err = await alice("post", "Hello everyone")
    assert code == 0, err
    item = out.strip()
    code, out, _ = await alice("audience")
    assert "public" in out
    code, out, err = await stranger("read", alice.settings.jid, "--json")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)] == [item]
    assert (await stranger("like", item, "--to", alice.settings.jid))[0] == 0

    code, out, err = await alice("audience", "contacts")
    assert code == 0 and "contacts only" in out and "likes of 1 post follow" in out, (out, err)
    code, _, err = await stranger("read", alice.settings.jid)
    assert code == 4
    owner, _ = await online(alice.settings)
    try:
        node = reactions.attachments_node(PostRef(owner.jid, MICROBLOG_NODE, item))
        assert (await nodes.get_config(owner.client, owner.jid, node)).access_model == "presence"
    finally:
        await owner.stop()
    # A post asking for another audience is refused and kept, with the way to change it.
    code, _, err = await alice("post", "Just for friends?", "--access", "public")
    assert code == 4 and "xmppsocial audience public" in err and "draft" in err
    assert (await alice("audience", "public"))[0] == 0
    code, out, _ = await stranger("read", alice.settings.jid, "--json")
    assert code == 0 and [p["id"] for p in json.loads(out)] == [item]


async def test_an_audience_chosen_before_the_first_post_creates_the_blog(xmpp_server,
                                                                         new_account) -> None:
    # What the first-run account screen will do: choose, then post.
    alice, _ = await online(await new_account("alice"))
    try:
        assert await alice.access_model() == ""
        assert await alice.set_audience("presence") == 0
        assert await alice.access_model() == "presence"
        await alice.publish_post(a_post(alice.jid, "first-00001", "First", "x"))
        assert await alice.access_model() == "presence"
    finally:
        await alice.stop()


async def test_publishing_follows_an_audience_changed_by_another_client(xmpp_server,
                                                                        new_account) -> None:
    settings = await new_account("alice")
    alice, _ = await online(settings)
    other, _ = await online(settings)  # the same account on another device
    try:
        await alice.publish_post(a_post(alice.jid, "first-00001", "First", "x"))
        await other.set_audience("presence")
        # alice's session still believes the blog is public: the precondition fails, it
        # reads the audience again and the post goes out to contacts, as the blog says.
        await alice.publish_post(a_post(alice.jid, "second-0001", "Second", "y"))
        assert await alice.access_model() == "presence"
        with pytest.raises(AccessModelMismatch):
            await alice.publish_post(a_post(alice.jid, "third-00001", "Third", "z"),
                                     access="open")
    finally:
        await alice.stop()
        await other.stop()


async def test_read_after_an_edit_gives_the_newest_posts(xmpp_server, new_account,
                                                         tmp_path) -> None:
    alice = Cli(await new_account("alice"), tmp_path / "alice")
    owner, _ = await online(alice.settings)
    now = datetime.now(UTC).replace(microsecond=0)
    ids = ["post-one", "post-two", "post-three"]
    try:  # a minute apart: posts sent within one second have no order but their ids
        for n, item in enumerate(ids):
            await owner.publish_post(a_post(owner.jid, item, item, item,
                                            published=now - timedelta(minutes=3 - n)))
    finally:
        await owner.stop()
    assert (await alice("edit", ids[0], "one, edited"))[0] == 0
    code, out, err = await alice("read", "--limit", "2", "--json")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)] == [ids[2], ids[1]]
    code, out, _ = await alice("read", "--limit", "2", "--more", "--json")
    assert [p["id"] for p in json.loads(out)] == [ids[0]]


async def test_like_unlike_and_repeat_from_the_command_line(xmpp_server, new_account,
                                                           tmp_path) -> None:
    alice = Cli(await new_account("alice"), tmp_path / "alice")
    bob = Cli(await new_account("bob"), tmp_path / "bob")
    code, out, err = await alice("post", "Worth **sharing**", "--title", "Share me")
    assert code == 0, err
    item = out.strip()
    code, _, err = await bob("like", "--to", alice.settings.jid, item)
    assert code == 0 and "XEP-0470" in err and "1 like" in err
    code, _, err = await bob("like", item, "--to", alice.settings.jid)
    assert code == 0 and "already" in err
    code, out, _ = await alice("read", "--json")
    assert json.loads(out)[0]["likes"] == 1
    assert (await bob("unlike", item, "--to", alice.settings.jid))[0] == 0
    code, out, _ = await alice("read", "--json")
    assert json.loads(out)[0]["likes"] == 0

    code, out, err = await bob("repeat", item, "--from", alice.settings.jid)
    assert code == 0, err
    boost = out.strip()
    code, out, err = await alice("read", bob.settings.jid, "--json")
    assert code == 0, err
    (shown,) = json.loads(out)
    assert shown["id"] == boost and shown["title"] == "Share me"
    assert shown["author"] == alice.settings.jid  # the original author, repeated by bob
    uri = f"xmpp:{alice.settings.jid}?;node=urn%3Axmpp%3Amicroblog%3A0;item={item}"
    assert {"rel": "via", "href": uri, "type": None} in shown["links"]
    assert shown["in_reply_to"]["href"] == uri
    code, out, _ = await alice("read", bob.settings.jid)
    assert f"(via {bob.settings.jid})" in out


async def test_posting_to_a_new_node_on_a_pubsub_service(xmpp_server, new_account,
                                                         tmp_path) -> None:
    alice = Cli(await new_account("alice"), tmp_path / "alice")
    service = xmpp_server.pubsub_domain
    code, out, err = await alice("post", "First in the community", "--to", service,
                                 "--node", "garden-club")
    if xmpp_server.kind == "prosody":
        # Debian's Prosody lets only admins create nodes on its pubsub component.
        assert code == 4 and "does not let this account create it" in err, err
        return
    assert code == 0, err
    item = out.strip()
    reader, _ = await online(await new_account("reader"))
    owner, _ = await online(alice.settings)
    try:
        page = await reader.fetch_latest(NodeRef(service, "garden-club"), 5, deliver=False)
        assert [p.item_id for p in page.posts] == [item]
        assert page.posts[0].author.jid == alice.settings.jid
        config = await nodes.get_config(owner.client, service, "garden-club")
        assert (config.node_type, config.access_model) == (nodes.SOCIAL_FEED_TYPE, "open")
        # A like on it: the attachments node was made with it.
        assert await reader.like(page.posts[0]) == "attachment"
    finally:
        await reader.stop()
        await owner.stop()


async def test_editing_from_markdown_rebuilt_keeps_the_formatting(xmpp_server,
                                                                  new_account) -> None:
    from xmppsocial.content.compose import edit_source

    alice, _ = await online(await new_account("alice"))
    try:
        post = new_post(service=alice.jid, author_name="Alice", item_id="fmt-post-0001",
                        markdown="Keep **this** and [that](https://x.example/)")
        await alice.publish_post(post)
        fetched = await alice.fetch_post(post.ref)
        assert fetched.text == "Keep this and that <https://x.example/>"
        again = edited(fetched, markdown=edit_source(fetched))
        assert again.body == post.body
    finally:
        await alice.stop()


async def test_a_post_linking_a_missing_comments_node_can_still_be_liked(
        xmpp_server, new_account) -> None:
    # Libervia on a server whose pubsub service refuses it a node links one anyway.
    alice, _ = await online(await new_account("alice"))
    bob, _ = await online(await new_account("bob"))
    try:
        missing = NodeRef(xmpp_server.pubsub_domain, "urn:xmpp:microblog:0:comments/none")
        post = replace(a_post(alice.jid, "no-comments-1", "Dangling", "x"), comments=missing)
        await alice.publish_post(post)
        assert await bob.comments(post) == []  # the TUI's thread said "no such blog or post"
        assert (await bob.reactions(post)).likers == set()
        heart = like_comment(post, service=bob.jid, author_name="Bob")
        assert await bob.like(post, heart) == "attachment"
        assert await bob.likers(post) == {bob.jid}
        assert await bob.unlike(post) == [post.ref]
    finally:
        await alice.stop()
        await bob.stop()
