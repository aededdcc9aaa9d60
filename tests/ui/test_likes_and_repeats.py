"""Likes and repeats in the TUI: l toggles, the cache keeps what was published (no phantom
heart), the row and the thread say that I like it, XEP-0470 likes (Libervia's) are counted,
and R repeats a post, shown as "X repeated"."""

from __future__ import annotations

from tests.ui.conftest import BOB, CAROL, ME
from tests.ui.waiting import until
from xmppsocial.model import MICROBLOG_NODE, PostRef

BOB_POST = PostRef(BOB, MICROBLOG_NODE, "post-00029")  # the newest; Carol's ♥ is on it



def thread_text(app) -> str:
    return str(app.thread.query_one("#thread-body").render())


def my_hearts(store) -> int:
    return store.db.execute("SELECT count(*) FROM posts WHERE is_like = 1 AND author_jid = ? "
                            "AND retracted = 0", (ME,)).fetchone()[0]


async def test_l_likes_as_an_attachment_and_again_takes_it_back(app_with_fake, store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].likes_as = "attachment"
        await pilot.press("g", "enter")
        await until(pilot, lambda: app.thread.post is not None
                    and app.thread.post.ref == BOB_POST)
        await pilot.press("l")
        await until(pilot, lambda: "(you like it)" in thread_text(app))
        assert "♥ 2 (you like it)" in thread_text(app)  # Carol's heart and mine
        assert app.feed.rows.row(0).liked and app.feed.rows.row(0).likes == 2
        assert my_hearts(store) == 0  # it went out as an attachment: no "♥" comment kept
        await pilot.press("l")
        await until(pilot, lambda: ("unlike", BOB_POST) in holder["service"].calls)
        await until(pilot, lambda: "you like it" not in thread_text(app))
        assert not app.feed.rows.row(0).liked and app.feed.rows.row(0).likes == 1


async def test_a_like_as_a_heart_is_kept_as_that_comment(app_with_fake, store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("g", "l")
        await until(pilot, lambda: ("like", BOB_POST) in holder["service"].calls)
        await until(pilot, lambda: app.feed.rows.row(0).liked)
        assert my_hearts(store) == 1


async def test_xep_0470_likes_are_counted_in_the_thread_and_the_row(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].noticed[BOB_POST.service, BOB_POST.node, BOB_POST.item] = {
            CAROL, "dave@example.org"}  # Carol liked it both ways: one person
        await pilot.press("j", "k")  # shown again: its likes are read again
        await until(pilot, lambda: "♥ 2" in thread_text(app))
        await until(pilot, lambda: app.feed.rows.row(0).likes == 2)
        assert not app.feed.rows.row(0).liked


async def test_r_repeats_a_post_on_my_blog_shown_as_a_repeat(app_with_fake, store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("g", "R")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: any(c[0] == "publish" for c in holder["service"].calls))
        (_, boost), = [c for c in holder["service"].calls if c[0] == "publish"]
        assert boost.service == ME and boost.is_repeat and boost.author.jid == BOB
        await until(pilot, lambda: app.feed.rows.row(0).author == "me repeated Bob")
        await pilot.press("g", "enter")
        await until(pilot, lambda: app.thread.post is not None
                    and app.thread.post.key == boost.key)
        text = thread_text(app)
        assert f"repeated by {ME}" in text and "in reply to" not in text


async def test_my_own_post_is_not_repeated(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "service" in holder)
        await pilot.press("g", "j", "j", "R")  # post 27 is mine
        await pilot.pause()
        assert [str(n.message) for n in app._notifications][-1].startswith("That is your own")
