"""Real-terminal figures: launch to the newest post on screen, G to the oldest, through tmux.

Each program runs in a tmux pane of 120x36 as a user starts it, and the pane is read
until the words wanted are drawn: the time a person waits, terminal included. Side by
side in one run, in turn, medians of --repeat rounds:

- ours (``xmppsocial``, offline: its account's server is a closed loopback port, as
  for a user who starts without network) on a cache of each size;
- a bare Textual app that imports slixmpp and paints one line (the floor);
- newsboat (Debian's package) on a feed of the same size, already in its cache: launch
  to its feed list, then Enter to the newest item and End to the oldest.

    .venv/bin/python -m bench.terminal [--sizes 100,20000,100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from bench.installed import byte_compile

SESSION = f"bench-terminal-{os.getpid()}"  # apart from any other run on the machine
SIZE = (120, 36)
BARE = """
import slixmpp  # noqa: F401
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
Bare().run()
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(pattern: re.Pattern[str], start: float, timeout: float = 60.0) -> float:
    """Seconds from ``start`` until ``pattern`` is drawn in the pane."""
    while True:
        if pattern.search(screen()):
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"{pattern.pattern!r} not drawn within {timeout:g} s:\n{screen()}")
        time.sleep(0.002)


class Pane:
    """A tmux session with an idle shell: the program is typed into it, as by a user."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __enter__(self) -> Pane:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        exports = " ".join(f"{k}={v}" for k, v in self.env.items())
        tmux("new-session", "-d", "-s", SESSION, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
             f"env {exports} bash --norc --noprofile")
        time.sleep(0.3)
        return self

    def launch(self, command: str, drawn: re.Pattern[str]) -> float:
        tmux("send-keys", "-t", SESSION, "clear", "Enter")
        time.sleep(0.2)
        start = time.perf_counter()
        tmux("send-keys", "-t", SESSION, command, "Enter")
        return wait_for(drawn, start)

    def key(self, key: str, drawn: re.Pattern[str]) -> float:
        start = time.perf_counter()
        tmux("send-keys", "-t", SESSION, key)
        return wait_for(drawn, start)

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        time.sleep(0.2)


def our_home(work: Path, size: int) -> Path:
    """XDG directories holding a cache of ``size`` posts and an account that is offline."""
    from bench.tui import fill

    home = work / f"ours-{size}"
    data = home / "data" / "xmppsocial"
    config = home / "config" / "xmppsocial"
    data.mkdir(parents=True)
    config.mkdir(parents=True)
    fill(data / "xmppsocial.sqlite3", size)
    (config / "config.toml").write_text('[[account]]\njid = "bench@localhost"\n'
                                        'server = "127.0.0.1:9"\n')
    return home


def newsboat_home(work: Path, size: int) -> Path:
    """newsboat's urls, config and cache, the feed of ``size`` entries already read in."""
    home = work / f"newsboat-{size}"
    home.mkdir()
    feed = home / "feed.atom"
    with feed.open("w") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/'
                  '2005/Atom"><title>Bench feed</title><id>urn:bench</id>'
                  '<updated>2026-11-01T00:00:00Z</updated>\n')
        for i in range(size - 1, -1, -1):
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_790_000_000 + i * 30))
            out.write(f"<entry><title>note {i}</title><id>urn:bench:{i}</id>"
                      f"<updated>{when}</updated><content>{escape(f'A post number {i}.')}"
                      "</content></entry>\n")
        out.write("</feed>\n")
    (home / "urls").write_text(f"file://{feed}\n")
    (home / "config").write_text("auto-reload no\nshow-read-feeds yes\nmax-items 0\n")
    subprocess.run(["newsboat", *newsboat_args(home), "-x", "reload"], check=True,
                   capture_output=True, timeout=1800)
    return home


def newsboat_args(home: Path) -> list[str]:
    return ["-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C", str(home / "config")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,20000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("newsboat") is None:
        sys.exit("needs tmux and newsboat: apt-get install -y tmux newsboat")
    byte_compile()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-terminal-"))
    ours = {size: our_home(work, size) for size in sizes}
    boats = {size: newsboat_home(work, size) for size in sizes}
    python = sys.executable
    program = str(Path(python).parent / "xmppsocial")
    (work / "bare.py").write_text(BARE)
    runs: dict[str, list[float]] = {}

    def record(name: str, value: float) -> None:
        runs.setdefault(name, []).append(value)

    base_env = {"PATH": os.environ.get("PATH", ""),
                "HOME": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
    def bare() -> None:
        with Pane(base_env) as pane:
            record("bare", pane.launch(f"{python} {work / 'bare.py'}",
                                       re.compile("bare app ready")))

    def our_run(size: int) -> None:
        home = ours[size]
        env = {**base_env, "XMPPSOCIAL_PASSWORD": "secret",
               **{v: str(home / v.split("_")[1].lower())
                  for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                            "XDG_STATE_HOME")}}
        with Pane(env) as pane:
            record(f"ours launch {size}", pane.launch(program, re.compile(rf"note {size - 1}\b")))
            time.sleep(1.0)  # let it settle, as a reader would before pressing a key
            record(f"ours G {size}", pane.key("G", re.compile(r"note 0\b")))

    def newsboat_run(size: int) -> None:
        with Pane(base_env) as pane:
            cmd = " ".join(["newsboat", *newsboat_args(boats[size])])
            record(f"newsboat launch {size}", pane.launch(cmd, re.compile("Bench feed")))
            record(f"newsboat open {size}", pane.key("Enter", re.compile(rf"note {size - 1}\b")))
            time.sleep(0.5)
            record(f"newsboat End {size}", pane.key("End", re.compile(r"note 0\b")))

    jobs = [bare] + [job for size in sizes for job in (lambda s=size: our_run(s),
                                                        lambda s=size: newsboat_run(s))]
    for round_no in range(args.repeat):
        # In turn, each round starting one job later, so that a slow spell of the shared
        # machine, or being first after another program, hits every column alike.
        shift = round_no % len(jobs)
        for job in jobs[shift:] + jobs[:shift]:
            job()
    med = {name: statistics.median(values) for name, values in runs.items()}
    print(f"through tmux {SIZE[0]}x{SIZE[1]}, medians of {args.repeat} rounds run in turn; "
          f"bare Textual app + slixmpp: launch {med['bare'] * 1000:.0f} ms")
    print(f"{'posts':>8} {'ours launch':>12} {'x bare':>7} {'newsboat launch':>16} "
          f"{'+ open feed':>12} {'ours G':>8} {'newsboat End':>13}")
    for size in sizes:
        launch = med[f"ours launch {size}"]
        print(f"{size:>8,} {launch * 1000:>10.0f}ms {launch / med['bare']:>7.2f} "
              f"{med[f'newsboat launch {size}'] * 1000:>14.0f}ms "
              f"{med[f'newsboat open {size}'] * 1000:>10.0f}ms "
              f"{med[f'ours G {size}'] * 1000:>6.0f}ms {med[f'newsboat End {size}'] * 1000:>11.0f}ms")
    print("ours launch: command typed to the newest post drawn; newsboat launch: to its feed "
          "list, + open feed: Enter to its newest item; G / End: key to the oldest item drawn")
    print("spread (min-max ms): " + "; ".join(
        f"{name} {min(v) * 1000:.0f}-{max(v) * 1000:.0f}" for name, v in runs.items()))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
