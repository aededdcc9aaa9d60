"""When frames reach the terminal driver: the clock for paint and key-to-repaint figures.

Importing this module hooks Textual's App._display (in the benchmark's process only).
"""

from __future__ import annotations

import asyncio
import time

from textual.app import App

frames: list[float] = []  # perf_counter() of every frame handed to the driver
_display = App._display


def _display_frame(self, screen, update) -> None:  # type: ignore[no-untyped-def]
    _display(self, screen, update)
    frames.append(time.perf_counter())


App._display = _display_frame  # type: ignore[method-assign]


async def next_frame(after: float, timeout: float = 10.0) -> float:
    """The time of the first frame after ``after``."""
    while not frames or frames[-1] <= after:
        if time.perf_counter() > after + timeout:
            raise SystemExit(f"no frame within {timeout:g} s")
        await asyncio.sleep(0.0005)
    return next(f for f in frames if f > after)


async def key_latency(action, reset=None, count: int = 15) -> float:  # type: ignore[no-untyped-def]
    """Median ms from ``action()`` to the next frame; ``reset`` first puts the view where
    the key changes something (a key that changes nothing paints no frame)."""
    samples = []
    for _ in range(count):
        if reset is not None:
            reset()
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        action()
        samples.append((await next_frame(start) - start) * 1000)
    return sorted(samples)[len(samples) // 2]
