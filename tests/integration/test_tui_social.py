"""The social graph in the real app, on both servers: a new laptop shows the account's
follows, activity on my posts is a stored notification while the TUI runs, and a blog
opened by its address lands there with its Follow button."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Button

from tests.integration.graph_support import started_things
from tests.integration.test_service import a_post
from tests.integration.test_tui_end_to_end import post_rows, wait_until
from xmppsocial.blog_address import parse_blog_address
from xmppsocial.config import Account
from xmppsocial.content.compose import comment
from xmppsocial.events import PostsReceived
from xmppsocial.model import NodeRef
from xmppsocial.ui.launch import build_app
from xmppsocial.ui.screens.blog import BlogScreen
from xmppsocial.ui.screens.notifications import NotificationsScreen

pytestmark = pytest.mark.integration

running = pytest.fixture(name="running")(started_things)


def app_for(server, settings, store):  # type: ignore[no-untyped-def]
    account = Account(settings.jid, host=server.host, port=server.port, ca_file=server.cafile)
    return build_app(store, account, settings.password)


async def test_a_new_laptop_shows_the_accounts_follows_and_their_pushes(
        xmpp_server, new_account, running) -> None:
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    alice, _ = await running.service(alice_s)
    await alice.publish_post(a_post(alice.jid, "alice-older-01", "Older post", "x"),
                             access="open")
    laptop = running.store("laptop")
    bob, _ = await running.service(bob_s, laptop)
    await bob.follow(alice.own_blog)
    await bob.stop()

    fresh = running.store("new-laptop")  # an empty data directory
    app = app_for(xmpp_server, bob_s, fresh)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: [r.title for r in post_rows(app)] == ["Older post"], pilot,
                         20.0)
        assert fresh.follows() == {alice.own_blog: False}
        await alice.publish_post(a_post(alice.jid, "alice-newer-01", "Pushed post", "y"))
        await wait_until(lambda: post_rows(app)[0].title == "Pushed post", pilot, 15.0)


async def test_a_comment_on_my_post_is_a_notification_that_outlives_the_app(
        xmpp_server, new_account, running) -> None:
    bob_s, carol_s = await new_account("bob"), await new_account("carol")
    store = running.store("bob")
    app = app_for(xmpp_server, bob_s, store)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: app.status.state.value == "online", pilot, 20.0)
        comments = await app.service.create_comments_node("bob-post-00001")
        post = replace(a_post(bob_s.jid, "bob-post-00001", "Bob's garden", "tomatoes"),
                       comments=comments)
        await app.service.publish_post(post, access="open")  # as the composer does:
        app.take([PostsReceived((post,), live=False)])  # kept, its comments followed
        await app.service.follow_comments(post)
        carol, _ = await running.service(carol_s)
        mine = await carol.fetch_post(a_post(bob_s.jid, "bob-post-00001", "", "").ref)
        await carol.publish_comment(comment(mine, markdown="Lovely tomatoes", service=carol.jid,
                                            author_name="Carol"))
        await wait_until(lambda: "1 notification" in str(app.status.render()), pilot, 15.0)
        toasts = [str(n.message) for n in app._notifications]
        assert any("Carol" in t and "commented on your post" in t for t in toasts)
    restarted = app_for(xmpp_server, bob_s, store)
    async with restarted.run_test(size=(120, 36)) as pilot:
        await pilot.press("N")
        await wait_until(lambda: isinstance(restarted.screen, NotificationsScreen), pilot)
        (note,) = restarted.screen.notes
        assert note.kind == "comment" and "Lovely tomatoes" in note.headline()


async def test_opening_by_uri_lands_on_the_blog_with_its_follow_button(
        xmpp_server, new_account, running) -> None:
    alice_s, bob_s = await new_account("alice"), await new_account("bob")
    alice, _ = await running.service(alice_s)
    await alice.publish_post(a_post(alice.jid, "alice-hello-01", "Hello from Alice", "x"),
                             access="open")
    store = running.store("bob")
    app = app_for(xmpp_server, bob_s, store)
    app.open_target = parse_blog_address(f"xmpp:{alice.jid}?;node=urn:xmpp:microblog:0")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: isinstance(app.screen, BlogScreen)
                         and bool(app.screen.query("#follow")), pilot)
        screen = app.screen
        assert screen.info.node == NodeRef(alice.jid)
        button = screen.query_one("#follow", Button)
        assert str(button.label) == "Follow"
        panes = screen.query_one("#blog-panes")
        await wait_until(lambda: panes.reader.post_count() == 1, pilot, 15.0)
        button.press()
        await wait_until(lambda: str(button.label) == "Following ✓", pilot, 15.0)
        assert store.follows() == {NodeRef(alice.jid): False}


async def test_a_contacts_only_blog_takes_posts_from_the_composer(
        xmpp_server, new_account, running) -> None:
    """The composer sends no audience of its own (the composer said "Public" and every post
    of a contacts-only blog was refused): the post goes out with the blog's."""
    from xmppsocial.ui.screens.compose import ComposeScreen

    bob_s = await new_account("bob")
    bob, _ = await running.service(bob_s)
    await bob.set_audience("presence")
    await bob.stop()
    store = running.store("bob")
    app = app_for(xmpp_server, bob_s, store)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(lambda: app.status.state.value == "online", pilot, 20.0)
        await pilot.press("n")
        await wait_until(lambda: isinstance(app.screen, ComposeScreen), pilot)
        await pilot.press(*"Only for my contacts", "ctrl+s")
        await wait_until(lambda: any(r.title == "Only for my contacts"
                                     for r in post_rows(app)), pilot, 15.0)
        await app.workers.wait_for_complete()
        toasts = [str(n.message) for n in app._notifications]
        assert "Published." in toasts
        assert not [t for t in toasts if "refused" in t.lower() or "not sent" in t.lower()]
        assert await app.service.access_model(NodeRef(bob_s.jid)) == "presence"
    reader, _ = await running.service(bob_s)
    page = await reader.fetch_latest(NodeRef(bob_s.jid), 5, deliver=False)
    assert [p.title for p in page.posts] == ["Only for my contacts"]
