"""What checking the cache before use costs: opening it as the CLI and the TUI do
(read-only integrity check, then the writer) against opening it unchecked, the way it
was opened before. ``python -m bench.cache_check``; medians of 5, files warm in the
page cache (a cold disk costs more for both)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tests.unit.store_factory import make_post
from xmppsocial.store import Store
from xmppsocial.store.database import inspect

SIZES = (1_000, 10_000, 30_000)


def fill(path: Path, count: int) -> None:
    store = Store(path)
    for start in range(0, count, 1000):
        store.upsert_posts([make_post(f"u{start % 50}@example.org", f"p-{n:07d}", minutes=n,
                                      text="word " * 120) for n in range(start, start + 1000)])
    store.close()


def timed(action) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    print(f"{'posts':>7} {'file MB':>8} {'check ms':>9} {'open, checked ms':>17} "
          f"{'open, unchecked ms':>19} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as base:
        for count in SIZES:
            path = Path(base) / f"cache-{count}.sqlite3"
            fill(path, count)
            check = timed(lambda p=path: inspect(p))
            checked = timed(lambda p=path: Store(p).close())
            unchecked = timed(lambda p=path: Store(p, check_budget=0).close())
            print(f"{count:>7} {path.stat().st_size / 1e6:>8.1f} {check * 1000:>9.1f} "
                  f"{checked * 1000:>17.1f} {unchecked * 1000:>19.1f} "
                  f"{checked / unchecked:>6.1f}")


if __name__ == "__main__":
    main()
