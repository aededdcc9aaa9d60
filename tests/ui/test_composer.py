"""The composer never loses text: a burst of typing sent at once, a draft reopened where it
stopped, every kept draft reachable, the command line's too."""

from __future__ import annotations

import random

from textual import events
from textual.widgets import OptionList, TextArea

from tests.ui.conftest import BOB
from xmppsocial.ui.screens.compose import ComposeScreen
from xmppsocial.ui.screens.drafts import DraftsScreen


def burst(app, text: str, *then: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all read at once, no pause."""
    for char in text:
        key = "space" if char == " " else char
        app._driver.send_message(events.Key(key, char))
    for key in then:
        app._driver.send_message(events.Key(key, None))


async def test_a_500_character_burst_then_ctrl_s_sends_all_of_it(app_with_fake) -> None:
    """The defect: a burst followed at once by ctrl+s sent only the first few characters."""
    app, holder = app_with_fake
    rng = random.Random(15)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz      ") for _ in range(500)).strip()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("r")  # a comment on post 29
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        burst(app, text, "ctrl+s")
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        kind, note = holder["service"].calls[-2]
        # The text twin is the Markdown as readable text: runs of spaces become one.
        assert kind == "comment" and note.text.split() == text.split()
        assert not isinstance(app.screen, ComposeScreen)


async def test_a_burst_then_escape_keeps_all_of_it_as_a_draft(app_with_fake) -> None:
    app, _ = app_with_fake
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("n")
        await pilot.pause()
        burst(app, "every word of this must be kept", "escape")
        await pilot.pause(0.5)
        assert app.store.draft("new").body == "every word of this must be kept"


async def test_a_restored_draft_puts_the_cursor_at_its_end(app_with_fake) -> None:
    app, _ = app_with_fake
    app.store.save_draft("new", body="first line\nsecond line")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("n")
        await pilot.pause()
        area = app.screen.query_one("#body", TextArea)
        assert area.cursor_location == (1, len("second line"))
        await pilot.press(*" and more")
        assert area.text == "first line\nsecond line and more"


async def test_the_drafts_list_reaches_every_draft_the_command_lines_too(app_with_fake) -> None:
    app, holder = app_with_fake
    store = app.store
    # What the command line keeps when the server refuses: "post", "reply:ITEM", "edit:ITEM".
    store.save_draft("post", body="refused from the shell")
    store.save_draft("reply:post-00028", body="a reply the shell kept")
    store.save_draft(f"reply:{BOB}:urn:xmpp:microblog:0:post-00026", body="from the composer")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DraftsScreen)
        shown = [str(o.prompt) for o in app.screen.query_one(OptionList)._options]
        assert len(shown) == 3
        assert any("reply to “Post number 28”" in s and "a reply the shell kept" in s
                   for s in shown)
        assert any("new post" in s and "refused from the shell" in s for s in shown)
        key = next(o.id for o in app.screen.query_one(OptionList)._options
                   if "shell kept" in str(o.prompt))
        app.screen.dismiss(key)
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        area = app.screen.query_one("#body", TextArea)
        assert area.text == "a reply the shell kept"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        kind, note = holder["service"].calls[-2]
        assert kind == "comment" and note.node.endswith("post-00028")
        assert store.draft("reply:post-00028") is None
