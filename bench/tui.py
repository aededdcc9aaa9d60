"""TUI figures: launch to first painted timeline, key-to-repaint, peak memory, by cache size.

Baseline, measured in the same run: a bare Textual app that imports slixmpp and paints one
line. Everything runs headless (Textual's run_test), in fresh processes for start-up and
memory.

    .venv/bin/python -m bench.tui [--sizes 100,20000,100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BARE = """
import time, asyncio
t0 = time.perf_counter()
import slixmpp  # noqa: F401
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("one line")
async def main():
    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(json.dumps({"paint": time.perf_counter() - t0}))
import json, resource
asyncio.run(main())
"""

OURS = """
import time, asyncio
t0 = time.perf_counter()
import json, resource, sys
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp
async def main():
    store = Store(sys.argv[1])
    app = XmppSocialApp(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        painted = time.perf_counter() - t0
        assert app.feed.current is not None
        keys = {}
        for key, action in (("j", app.feed.action_cursor_down), ("pagedown",
                            app.feed.action_page_down), ("G", app.feed.action_last),
                            ("g", app.feed.action_first)):
            samples = []
            for _ in range(15):
                start = time.perf_counter()
                action()
                await pilot.pause()
                samples.append((time.perf_counter() - start) * 1000)
            keys[key] = sorted(samples)[len(samples) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"paint": painted, "keys": keys, "rss_mb": rss}))
asyncio.run(main())
"""


def fill(path: Path, count: int) -> None:
    from bench.store import posts
    from xmppsocial.model import NodeRef
    from xmppsocial.store import Store

    store = Store(path)
    batch = []
    for post in posts(count):
        store.set_feed(NodeRef(post.service), followed=True) if len(batch) < 1 else None
        batch.append(post)
        if len(batch) == 5000:
            store.upsert_posts(batch)
            batch = []
    store.upsert_posts(batch)
    for n in range(200):
        store.set_feed(NodeRef(f"author{n}@example.org"), followed=True)
    store.close()


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,20000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp())
    bare = statistics.median(run(BARE)["paint"] for _ in range(args.repeat))
    print(f"bare Textual app + slixmpp import, first paint: {bare * 1000:.0f} ms")
    print(f"{'posts':>8} {'paint ms':>9} {'x bare':>7} {'j ms':>6} {'PgDn ms':>8} "
          f"{'G ms':>6} {'g ms':>6} {'RSS MB':>7}")
    for size in sizes:
        path = work / f"cache-{size}.sqlite3"
        fill(path, size)
        results = [run(OURS, str(path)) for _ in range(args.repeat)]
        paint = statistics.median(r["paint"] for r in results)
        keys = {k: statistics.median(r["keys"][k] for r in results) for k in results[0]["keys"]}
        rss = max(r["rss_mb"] for r in results)
        print(f"{size:>8,} {paint * 1000:>9.0f} {paint / bare:>7.2f} {keys['j']:>6.1f} "
              f"{keys['pagedown']:>8.1f} {keys['G']:>6.1f} {keys['g']:>6.1f} {rss:>7.0f}")


if __name__ == "__main__":
    main()
