"""Finding blogs and what reaches me, in the TUI: stored notifications (N), a blog opened by
its address (B), the lists of blogs to follow from (F, W, C, P)."""

from __future__ import annotations

from textual.widgets import Button, Input, Label, OptionList

from tests.ui.conftest import BOB, CAROL, ME
from tests.ui.waiting import until
from xmppsocial.model import MICROBLOG_NODE, NodeRef, PostRef
from xmppsocial.notifications import Notification
from xmppsocial.ui.screens.blog import BlogScreen
from xmppsocial.ui.screens.blog_list import BlogListScreen
from xmppsocial.ui.screens.notifications import NotificationsScreen
from xmppsocial.xmpp.discovery import FeedInfo

MY_POST = PostRef(ME, MICROBLOG_NODE, "post-00027")  # post 27 of the fixture is mine



def options(screen) -> list[str]:
    widget = screen.query_one(OptionList)
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


async def test_notifications_are_the_stored_ones_and_enter_opens_the_post(app_with_fake,
                                                                          store) -> None:
    store.add_notifications([
        Notification("comment:1", "comment", CAROL, "Carol", "Lovely!", None, MY_POST,
                     "Post number 27", created=1000.0),
        Notification(f"follower:{ME}:{MICROBLOG_NODE}:{BOB}", "follower", BOB,
                     created=2000.0)])
    app, _ = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "2 notifications" in str(app.status.render()))
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        shown = options(app.screen)
        assert shown[0].startswith("●") and f"{BOB} follows your blog" in shown[0]
        assert "Carol (carol@example.org) commented on your post “Post number 27”: Lovely!" \
            in shown[1]
        await until(pilot, lambda: isinstance(app.focused, OptionList))
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, BlogScreen))
        assert app.screen.info.node == NodeRef(ME) and app.screen.info.own
        await until(pilot, lambda: getattr(app.screen.query_one("ThreadView").post, "ref",
                                           None) == MY_POST)
        assert [n.read for n in store.notifications()] == [False, True]
        await until(pilot, lambda: "1 notification" in str(app.status.render()))
        await pilot.press("escape", "N")
        await until(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        await pilot.press("a")
        await pilot.pause()
        assert store.unread_notification_count() == 0
        assert not any(line.startswith("●") for line in options(app.screen))
    # after a restart they are still listed (the cache keeps them)
    assert len(store.notifications()) == 2


async def test_a_blog_opened_by_its_address_lands_there_with_its_follow_button(
        app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("B")
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id
                    == "prompt-input")
        await pilot.press(*"not an address", "enter")
        await until(pilot, lambda: not isinstance(app.focused, Input))
        assert not isinstance(app.screen, BlogScreen)  # said in a toast, nothing opened
        await pilot.press("B")
        await until(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"xmpp:dave@example.org?;node=urn:xmpp:microblog:0", "enter")
        await until(pilot, lambda: isinstance(app.screen, BlogScreen))
        assert app.screen.info.node == NodeRef("dave@example.org")
        assert str(app.screen.query_one("#follow", Button).label) == "Follow"
        await until(pilot, lambda: ("fetch_latest", NodeRef("dave@example.org"))
                    in holder["service"].fetches)  # read from the network on opening
        app.screen.query_one("#follow", Button).press()
        await until(pilot, lambda: ("follow", NodeRef("dave@example.org"))
                    in holder["service"].calls)


async def test_lists_of_blogs_open_and_follow_from_a_key(app_with_fake, store) -> None:
    app, holder = app_with_fake
    garden = NodeRef("pubsub.example.org", "garden-club")
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].feeds_found = {
            "pubsub.example.org": [FeedInfo(garden, "Garden club", "", "Seeds & soil")],
            "contacts": [FeedInfo(NodeRef(CAROL), "Carol's notes")]}
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, BlogListScreen))
        assert options(app.screen) == ["✓ Bob's garden  bob@example.org"]
        await pilot.press("escape", "C")
        await until(pilot, lambda: isinstance(app.screen, BlogListScreen)
                    and options(app.screen) == ["  Carol's notes  carol@example.org"])
        await pilot.press("f")
        await until(pilot, lambda: ("follow", NodeRef(CAROL)) in holder["service"].calls)
        await until(pilot, lambda: options(app.screen)[0].startswith("✓"))
        await pilot.press("escape", "P")
        await until(pilot, lambda: isinstance(app.focused, Input)
                    and app.focused.value == "pubsub.example.org")  # the server's, offered
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BlogListScreen)
                    and options(app.screen) == [
                        "  Garden club  pubsub.example.org · garden-club  Seeds & soil"])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BlogScreen))
        assert app.screen.info.node == garden
        assert "Garden club" in str(app.screen.query_one("#blog-title", Label).render())


async def test_followers_say_how_each_is_known_and_what_the_server_cannot_tell(
        app_with_fake, store) -> None:
    store.add_follower(NodeRef(ME), CAROL, "public-list", 1000.0)
    store.set_graph_mark("said:followers-unsupported", "1")
    app, _ = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, BlogListScreen))
        assert options(app.screen) == ["  carol@example.org  in their public follow list"]
        note = str(app.screen.query_one("#blog-list-note", Label).render())
        assert "cannot list who follows your blog" in note
