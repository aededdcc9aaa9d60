"""Audience is the blog's setting: the composer says it and sends no audience of its own;
the own-blog view changes it. ctrl+t in the composer posts to another node."""

from __future__ import annotations

from textual.widgets import Button, Input, Label

from tests.ui.conftest import ME
from tests.ui.waiting import until
from xmppsocial.model import NodeRef
from xmppsocial.ui.screens.blog import BlogScreen
from xmppsocial.ui.screens.compose import ComposeScreen


def published(holder) -> list:
    return [c[1] for c in holder["service"].calls if c[0] == "publish"]


async def test_the_composer_says_the_blogs_audience_and_posts_with_it(app_with_fake,
                                                                      store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].audience = "presence"  # as the server has it, learnt on connect
        await app.workers.wait_for_complete()
        store.set_feed(NodeRef(ME), own=True, access_model="presence")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        said = str(app.screen.query_one("#audience", Label).render())
        assert said.startswith("Who reads it: your contacts (your blog's view changes it)")
        await pilot.press(*"For my contacts", "ctrl+s")
        await until(pilot, lambda: published(holder))
        (post,) = published(holder)
        assert post.service == ME and post.text == "For my contacts"


async def test_ctrl_t_posts_to_a_node_of_a_pubsub_service(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert not app.screen.query_one("#target", Input).display  # shown on demand
        await pilot.press(*"Seeds are in", "ctrl+t")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "target")
        await pilot.press(*"xmpp:pubsub.example.org?;node=garden-club")
        assert "Posting to xmpp:pubsub.example.org" in str(
            app.screen.query_one("#audience", Label).render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: published(holder))
        (post,) = published(holder)
        assert (post.service, post.node) == ("pubsub.example.org", "garden-club")
        assert post.author.jid == ME and post.text == "Seeds are in"


async def test_the_own_blog_view_changes_the_blogs_audience(app_with_fake, store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("g", "j", "j", "b")  # post 27 is mine
        await until(pilot, lambda: isinstance(app.screen, BlogScreen)
                    and bool(app.screen.query("#audience-change")))
        button = app.screen.query_one("#audience-change", Button)
        assert str(button.label) == "Make it contacts only"
        assert "public" in str(app.screen.query_one("#blog-meta", Label).render())
        button.press()
        await until(pilot, lambda: ("set_audience", "presence") in holder["service"].calls)
        await until(pilot, lambda: str(button.label) == "Make it public")
        assert "contacts only" in str(app.screen.query_one("#blog-meta", Label).render())
        assert store.feed(NodeRef(ME)).access_model == "presence"
