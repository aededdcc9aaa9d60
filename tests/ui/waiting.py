"""Waiting in pilot tests for what a user would see, without a fixed sleep."""

from __future__ import annotations


async def until(pilot, predicate, tries: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Pause in small steps until ``predicate()`` holds (about 3 s at most)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("not reached")
