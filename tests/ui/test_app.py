"""The main screen driven by keys, with a fake service: what the user sees and what is sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Button, Input, Static, TextArea

from tests.ui.conftest import BOB, CAROL, ME
from tests.unit.store_factory import comment_on, make_post
from xmppsocial.model import ConnectionState, NodeRef, PostRef
from xmppsocial.ui.screens.blog import BlogScreen
from xmppsocial.ui.screens.compose import ComposeScreen
from xmppsocial.ui.screens.help import HelpScreen


def thread_text(app) -> str:
    return str(app.query_one("#thread-body", Static).render())


async def test_opens_on_the_cache_and_goes_online(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert app.status.state is ConnectionState.ONLINE
        assert app.feed.current.title == "Post number 29"
        text = thread_text(app)
        assert "Post number 29" in text and "Nice garden!" in text and "♥ 1" in text
        assert app.feed.border_title == "Feed · 30 posts"


def screen_line(app) -> int:
    """Which row of the pane the cursor is drawn on."""
    return app.feed.cursor - app.feed.scroll_offset.y // 3


async def test_a_push_with_the_cursor_on_the_top_row_moves_nothing(app_with_fake) -> None:
    """The defect: a reader on the top row, reading that post, lost cursor and thread pane
    to the next push."""
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert app.feed.current.title == "Post number 29" and screen_line(app) == 0
        for _ in range(100):  # under load the thread pane can take a moment to fill
            if "Nice garden!" in thread_text(app):
                break
            await pilot.pause(0.05)
        before = thread_text(app)
        holder["service"].push(make_post(BOB, "fresh-00001", minutes=10_000, title="Fresh!"))
        await pilot.pause(0.2)
        assert app.feed.current.title == "Post number 29" and screen_line(app) == 0
        assert thread_text(app) == before
        bar = app.query_one(".new-posts", Static)
        assert bar.has_class("shown") and "1 new post " in str(bar.render())
        await pilot.press("k")  # k on the top row takes the new post in
        await pilot.pause(0.2)
        assert app.feed.current.title == "Fresh!" and "Fresh!" in thread_text(app)
        assert not bar.has_class("shown")


async def test_a_push_while_reading_below_keeps_the_place_and_shows_a_bar(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j", "j", "j", "j", "j", "j", "j")
        await pilot.pause(0.1)
        before = (app.feed.current.key, screen_line(app), thread_text(app))
        holder["service"].push(make_post(BOB, "fresh-00001", minutes=10_000, title="Fresh!"),
                               make_post(BOB, "fresh-00002", minutes=10_001, title="Fresher"))
        await pilot.pause(0.2)
        assert (app.feed.current.key, screen_line(app), thread_text(app)) == before
        bar = app.query_one(".new-posts", Static)
        assert bar.has_class("shown") and "2 new posts" in str(bar.render())
        await pilot.press("g")
        await pilot.pause(0.1)
        assert app.feed.current.title == "Fresher"
        assert not bar.has_class("shown")


async def test_a_burst_of_pushes_then_a_retraction_lands_in_order(app_with_fake) -> None:
    app, holder = app_with_fake
    burst = [make_post(BOB, f"burst-{n:05d}", minutes=10_000 + n, title=f"Burst {n}")
             for n in range(200)]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        service = holder["service"]  # made once the app runs
        for post in burst:  # one push each, with no pause: they queue up together
            service.push(post)
        service.retract_remote(burst[-1])  # published, then deleted, before we looked
        await pilot.pause(0.2)
        assert app.feed.border_title == "Feed · 229 posts"
        assert app.feed.rows.row(0).title == "Burst 198"  # the deleted one never showed
        assert app.store.get_post(burst[-1].ref) is None
        assert app.status.unread == 20 + 199  # my own ten are never unread


async def test_a_reply_to_an_uncached_post_fetches_and_names_it(app_with_fake) -> None:
    app, holder = app_with_fake
    original = make_post(BOB, "long-ago-0001", minutes=-50_000, title="The old original")
    reply = make_post(ME, "answer-00001", minutes=10_000, title="Still true",
                      reply_to=original.ref)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        service = holder["service"]
        service.blogs.setdefault(NodeRef(BOB), {})[original.item_id] = original
        assert app.store.get_post(original.ref) is None  # older than anything synced
        service.push(reply)
        await pilot.pause(0.1)
        await pilot.press("g")
        await pilot.pause(0.3)
        assert app.feed.current.title == "Still true"
        assert ("fetch_post", original.ref) in service.calls
        assert "in reply to “The old original” by Bob" in thread_text(app)


async def test_rows_in_view_get_their_comment_counts_without_opening(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        service = holder["service"]
        second = app.store.get_post(PostRef(*app.feed.rows.row(1).key))
        service.blogs[second.comments] = {
            c.item_id: c for c in (comment_on(second, "c-10001", CAROL, "Lovely", 2),
                                   comment_on(second, "c-10002", ME, "Thanks!", 3))}
        assert app.feed.rows.row(1).comments == 0
        await pilot.pause(1.5)  # the rows in view are looked at every second
        assert app.feed.rows.row(1).comments == 2
        assert app.feed.cursor == 0  # nothing was opened or moved


async def test_escape_keeps_the_draft_and_ctrl_s_sends(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"Hello *there*")
        await pilot.press("escape")
        await pilot.pause()
        assert app.store.draft("new").body == "Hello *there*"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#body", TextArea).text == "Hello *there*"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        kind, post = holder["service"].calls[-1]
        assert kind == "publish" and post.service == ME
        assert "em>there</" in post.body and post.text == "Hello there"  # the text twin
        assert post.comments is not None
        assert app.store.draft("new") is None
        await pilot.press("g")
        assert app.feed.current.title == "Hello there"


async def test_a_refused_publish_keeps_the_text(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        holder["service"].fail_publish = "forbidden"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Precious words")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert app.store.draft("new").body == "Precious words"
        assert any("refused by the fake server" in str(n.message)
                   for n in app._notifications)


async def test_reply_comments_on_the_selected_post(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Agreed")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        kind, note = holder["service"].calls[-2]
        assert kind == "comment" and note.title == "Agreed"
        assert note.node.endswith("post-00029")
        assert "Agreed" in thread_text(app)


async def test_delete_asks_first_then_retracts(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j")  # post 27 is mine (27 % 3 == 0)
        await pilot.pause(0.1)
        assert app.feed.current.title == "Post number 27"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert not any(c[0] == "retract" for c in holder["service"].calls)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert holder["service"].calls[-1] == ("retract", make_post(ME, "post-00027").ref)
        assert app.feed.current.deleted and app.feed.current.title == ""
        assert app.feed.border_title == "Feed · 29 posts"
        assert "deleted" in thread_text(app)


async def test_like_and_follow_keys_call_the_service(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j")  # post 28, bob's, followed
        await pilot.press("l")
        await app.workers.wait_for_complete()
        assert ("like", app.feed.current and holder["service"].calls[0][1])[0] == "like"
        await pilot.press("f")
        await app.workers.wait_for_complete()
        assert holder["service"].calls[-1] == ("unfollow", NodeRef(BOB))
        assert not app.store.feed(NodeRef(BOB)).followed


async def test_blog_view_follow_button_toggles(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BlogScreen)
        button = app.screen.query_one("#follow", Button)
        assert str(button.label) == "Following ✓"
        await pilot.click("#follow")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert holder["service"].calls[-1] == ("unfollow", NodeRef(BOB))
        assert str(button.label) == "Follow"
        await pilot.press("f")  # the keyboard works as well as the mouse
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert holder["service"].calls[-1] == ("follow", NodeRef(BOB))
        assert str(button.label) == "Following ✓"


async def test_a_blog_without_a_node_title_is_named_after_its_owner(app_with_fake) -> None:
    from textual.widgets import Label

    app, _ = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j")  # post 27: mine, and my blog has no title in the cache
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BlogScreen)
        assert str(app.screen.query_one("#blog-title", Label).render()) == "Me's blog"


async def test_search_next_unread_and_help(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("slash")
        await pilot.pause()
        assert app.query_one("#search", Input).has_focus
        await pilot.press(*"number 7", "enter")
        await pilot.pause()
        assert app.feed.current.title == "Post number 7"
        await pilot.press("h")
        await pilot.pause()
        app.store.mark_read([make_post(BOB, f"post-{n:05d}").ref for n in range(20, 30)])
        app.store.mark_read([make_post(ME, f"post-{n:05d}").ref for n in range(20, 30)])
        await pilot.press("u")
        await pilot.pause()
        assert app.feed.current.title == "Post number 19"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_link_picker_opens_the_chosen_link_without_a_shell(app_with_fake, monkeypatch) -> None:
    from xmppsocial.model import Link
    from xmppsocial.ui.screens.links import LinkPicker

    app, holder = app_with_fake
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    post = make_post(BOB, "links-00001", minutes=20_000, title="With links")
    from dataclasses import replace
    post = replace(post, links=(Link("https://one.example/a", "related", title="One"),
                                Link("javascript:evil()", "related"),
                                Link("https://two.example/b", "related", title="Two")))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        holder["service"].push(post)
        for _ in range(40):  # under load the push can take a moment to land on top
            if app.feed.rows.row(0).title == "With links":
                break
            await pilot.pause(0.05)
        await pilot.press("g", "o")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        assert len(app.screen.links) == 2  # javascript: is never offered
        from textual.widgets import OptionList
        for _ in range(40):  # keys go to the list only once it has focus
            if isinstance(app.focused, OptionList):
                break
            await pilot.pause(0.05)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert opened == ["https://two.example/b"]


async def test_own_blog_view_counts_followers(app_with_fake) -> None:
    from textual.widgets import Label

    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("j", "j")  # post 27, mine
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "0 followers" in str(app.screen.query_one("#blog-meta", Label).render())


async def test_command_palette_offers_the_post_actions(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"New post", "Reply", "Like", "Follow", "Next unread", "Drafts",
                "Mark all read"} <= set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New post")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        from xmppsocial.ui.screens.compose import ComposeScreen
        assert isinstance(app.screen, ComposeScreen)


async def test_edit_enter_tab_and_unread_scope(app_with_fake) -> None:
    from xmppsocial.ui.widgets.thread_view import ThreadView

    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ThreadView)  # enter opens the thread
        # and marks the post read; my own ten posts never counted as unread
        assert app.store.unread_count() == 19
        await pilot.press("tab")
        assert app.focused is app.feed
        await pilot.press("U")
        await pilot.pause()
        assert app.feed.border_title == "Unread · 19 posts"
        await pilot.press("h", "j", "j")  # post 27: mine
        await pilot.pause(0.1)
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#body", TextArea)
        assert area.text == "Body of post 27 about #garden"
        area.text = "Body, corrected"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        kind, post = holder["service"].calls[-1]
        assert kind == "publish" and post.item_id == "post-00027"
        assert post.text == "Body, corrected" and post.updated > post.published


def test_editor_runs_without_a_shell_on_a_private_file(tmp_path, monkeypatch) -> None:
    import stat
    import sys

    from xmppsocial.ui.screens.compose import edit_in_editor

    seen: dict[str, object] = {}
    script = tmp_path / "fake_editor.py"
    script.write_text("import sys, os, stat\n"
                      "p = sys.argv[1]\n"
                      "open(sys.argv[2], 'w').write(oct(stat.S_IMODE(os.stat(p).st_mode)))\n"
                      "open(p, 'a').write(' and more; $(touch pwned)')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.chdir(tmp_path)

    def run(argv: list[str]) -> int:
        import subprocess
        seen["argv"] = argv
        return subprocess.call([*argv[:2], argv[2], str(tmp_path / "mode")])

    assert edit_in_editor("text", run=run) == "text and more; $(touch pwned)"
    assert (tmp_path / "mode").read_text() == oct(stat.S_IRUSR | stat.S_IWUSR)
    assert not (tmp_path / "pwned").exists() and not Path(seen["argv"][-1]).exists()


async def test_ticks_and_pushes_after_the_screens_are_down_do_nothing(app_with_fake) -> None:
    """Textual's test harness takes the screens down while timers and queued messages still
    run (a quit stops them first); the app must not fail then."""
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await app._close_all()  # the first step of run_test's teardown
        app._refresh_status()
        holder["service"].push(make_post(BOB, "late-000001", minutes=10_000, title="Late"))
        await asyncio.sleep(0.1)  # the pilot cannot pause without a screen
    assert app.store.get_post(PostRef(BOB, "urn:xmpp:microblog:0", "late-000001")) is None
