"""TUI figures: launch to first painted timeline, key-to-repaint, peak memory, by cache size.

Baseline, measured in the same run: a bare Textual app that imports slixmpp and paints one
line (and, for keys, changes that line). Everything runs headless (Textual's run_test), in
fresh processes; times are taken when a frame is handed to the terminal driver.

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

from bench.installed import byte_compile

# Shared by both programs: the time each frame is handed to the terminal driver, and a wait
# for the first frame after a moment (key to repaint, as the user sees it).
FRAMES = """
import asyncio
from bench.frames import frames, key_latency
painted = []  # when the content first went into a frame being drawn
def paint_time():
    return next(f for f in frames if f >= painted[0]) - t0
"""

BARE = """
import time
t0 = time.perf_counter()
import json, resource
import slixmpp  # noqa: F401
from textual.app import App
from textual.widgets import Static
""" + FRAMES + """
class Line(Static):
    def render_line(self, y):
        painted or painted.append(time.perf_counter())
        return super().render_line(y)
class Bare(App):
    def compose(self):
        yield Line("one line")
async def main():
    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        settled = time.perf_counter() - t0
        line = app.query_one(Line)
        counter = iter(range(10**6))
        key = await key_latency(lambda: line.update(f"line {next(counter)}"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"paint": paint_time(), "settled": settled, "key": key, "rss_mb": rss}))
asyncio.run(main())
"""

OURS = """
import time
t0 = time.perf_counter()
import json, resource, sys
from xmppsocial.config import Account
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp
from xmppsocial.ui.launch import service_factory
from xmppsocial.ui.widgets.timeline_view import TimelineView
""" + FRAMES + """
draw = TimelineView.render_line
def render_line(self, y):
    # The newest post's row is going into the next frame.
    if not painted and y == 0 and self.rows.row(0) is not None:
        painted.append(time.perf_counter())
    return draw(self, y)
TimelineView.render_line = render_line
async def main():
    store = Store(sys.argv[1])
    # The real service (slixmpp imported and built) aimed at a closed loopback port: it keeps
    # retrying in the background, as it would for a user who launches offline.
    account = Account("bench@localhost", host="127.0.0.1", port=9)
    app = XmppSocialApp(store, service_factory=service_factory(store, account, "secret"),
                        account=account.jid)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        settled = time.perf_counter() - t0
        assert app.feed.current is not None
        keys = {}
        feed = app.feed
        for key, action, reset in (("j", feed.action_cursor_down, feed.action_first),
                                   ("pagedown", feed.action_page_down, feed.action_first),
                                   ("G", feed.action_last, feed.action_first),
                                   ("g", feed.action_first, feed.action_last)):
            keys[key] = await key_latency(action, reset)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"paint": paint_time(), "settled": settled, "keys": keys, "rss_mb": rss}))
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
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"benchmark process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    byte_compile()
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,20000,100000")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp())
    paths = {size: work / f"cache-{size}.sqlite3" for size in sizes}
    for size, path in paths.items():
        fill(path, size)
    # In turn (bare, 100, 20,000, …, then again), so that a slow spell of the shared
    # machine hits every column alike rather than whichever ran during it.
    bare_runs: list[dict] = []
    runs: dict[int, list[dict]] = {size: [] for size in sizes}
    for _ in range(args.repeat):
        bare_runs.append(run(BARE))
        for size, path in paths.items():
            runs[size].append(run(OURS, str(path)))
    bare = {k: statistics.median(r[k] for r in bare_runs) for k in ("paint", "settled", "key")}
    bare_rss = max(r["rss_mb"] for r in bare_runs)
    print(f"bare Textual app + slixmpp import: first paint {bare['paint'] * 1000:.0f} ms, "
          f"settled {bare['settled'] * 1000:.0f} ms, key to repaint {bare['key']:.1f} ms, "
          f"RSS {bare_rss:.0f} MB  (medians of {args.repeat} processes, run in turn)")
    print(f"{'posts':>8} {'paint ms':>9} {'x bare':>7} {'settled':>8} {'x bare':>7} {'j ms':>6} "
          f"{'PgDn ms':>8} {'G ms':>6} {'g ms':>6} {'j x bare':>9} {'RSS MB':>7}")
    for size, results in runs.items():
        paint = statistics.median(r["paint"] for r in results)
        settled = statistics.median(r["settled"] for r in results)
        keys = {k: statistics.median(r["keys"][k] for r in results) for k in results[0]["keys"]}
        rss = max(r["rss_mb"] for r in results)
        print(f"{size:>8,} {paint * 1000:>9.0f} {paint / bare['paint']:>7.2f} "
              f"{settled * 1000:>8.0f} {settled / bare['settled']:>7.2f} {keys['j']:>6.1f} "
              f"{keys['pagedown']:>8.1f} {keys['G']:>6.1f} {keys['g']:>6.1f} "
              f"{keys['j'] / bare['key']:>9.2f} {rss:>7.0f}")
    print("paint: launch to the first frame holding the newest post; settled: until the app "
          "is idle (footer, thread pane, status line done); keys: action to the next frame")


if __name__ == "__main__":
    main()
