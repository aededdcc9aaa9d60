"""The connection and the outbox in the TUI: the countdown and "retry now", a refusal kept
as a draft (never queued), the outbox screen's retry and discard, all at 80 columns."""

from __future__ import annotations

import time

from textual.widgets import OptionList

from tests.ui.conftest import ME
from tests.ui.waiting import until
from xmppsocial.events import ConnectionChanged, ReconnectScheduled
from xmppsocial.model import ConnectionState, NodeRef
from xmppsocial.ui.screens.compose import ComposeScreen
from xmppsocial.ui.screens.outbox import OutboxScreen
from xmppsocial.xmpp.iq import ServiceError

NARROW = (80, 30)


def status(app) -> str:
    return str(app.status.render())


async def test_offline_the_line_counts_down_and_ctrl_r_retries_now(app_with_fake) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: "service" in holder)
        fake = holder["service"]
        fake.state = ConnectionState.OFFLINE
        fake.emit(ConnectionChanged(ConnectionState.OFFLINE,
                                    "[Errno 111] Connect call failed ('127.0.0.1', 5222)"))
        fake.emit(ReconnectScheduled(time.time() + 30, 2))
        await until(pilot, lambda: "offline · retry in" in status(app))
        shown = status(app)
        assert "Errno" not in shown and len(shown) <= 80
        await pilot.press("ctrl+r")
        await until(pilot, lambda: fake.retries == 1)
        assert "retry in" not in status(app)


async def test_a_refused_post_is_said_kept_as_a_draft_and_never_queued(app_with_fake,
                                                                       store) -> None:
    app, holder = app_with_fake
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].refuse = ServiceError("payload-too-big", text="too big")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        await pilot.press(*"A post the server will not take", "ctrl+s")
        await until(pilot, lambda: any("Not sent" in str(n.message)
                                       for n in app._notifications))
        (said,) = [str(n.message) for n in app._notifications if "Not sent" in str(n.message)]
        assert "kept as a draft" in said
        assert store.draft("new").body == "A post the server will not take"
        assert store.outbox() == []


async def test_the_outbox_screen_retries_and_discards(app_with_fake, store) -> None:
    failed = store.enqueue("retract", NodeRef(ME), "post-00027")
    store.mark_failed(failed, "forbidden: not allowed")
    waiting = store.enqueue("retract", NodeRef(ME), "post-00024")
    app, holder = app_with_fake
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: "service" in holder)
        holder["service"].state = ConnectionState.OFFLINE  # nothing is sent meanwhile
        await until(pilot, lambda: "1 failed (O)" in status(app))
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        await until(pilot, lambda: isinstance(app.focused, OptionList))
        heading = str(app.screen.query_one("#outbox-heading").render())
        assert heading == "Outbox: 1 waiting, 1 failed"
        await pilot.press("r")  # the failed one is first: pending again
        await until(pilot, lambda: not store.outbox_item(failed).failed)
        await pilot.press("down", "x")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: store.outbox_item(waiting) is None)
        assert [i.id for i in store.outbox()] == [failed]
