"""The TUI under a push burst, on a throwaway loopback Prosody (fast test settings).

Another account, in its own process, publishes 1,000 posts as fast as the server takes them
(32 in flight) to a blog the TUI's account follows. Two runs, each with fresh accounts:

- reader at the top: from the first publish until every post is in the cache and the
  newest one is the feed's top row in a painted frame;
- reader scrolled down, pressing j and k every 20 ms: until the "N new posts" bar counts
  all of them, and the key-to-repaint times during the burst (action to the next frame),
  beside the same keys on the idle app just before.

    .venv/bin/python -m bench.burst
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from asyncio.subprocess import PIPE
from pathlib import Path

from bench.frames import next_frame
from bench.installed import byte_compile
from bench.network import PASSWORD, settings
from xmppsocial.config import Account
from xmppsocial.localserver import XmppServer
from xmppsocial.model import MICROBLOG_NODE, ConnectionState, NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.actions.social import toggle_follow
from xmppsocial.ui.app import XmppSocialApp
from xmppsocial.ui.launch import service_factory
from xmppsocial.xmpp.register import register_account

COUNT = 1000
async def until(condition, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the burst to show")
        await asyncio.sleep(0.002)


async def keys(app: XmppSocialApp, stop: asyncio.Event | None, count: int = 0) -> list[float]:
    """j and k in turn, over the same two posts (new ones come in above them, and the
    cursor stays with its post); ms from each action to the next frame."""
    samples = []
    while (stop is not None and not stop.is_set()) or len(samples) < count:
        action = app.feed.action_cursor_down if len(samples) % 2 == 0 \
            else app.feed.action_cursor_up
        start = time.perf_counter()
        action()
        samples.append((await next_frame(start) - start) * 1000)
        await asyncio.sleep(0.02)
    return samples


BURSTER = """
import asyncio, sys, time
from bench.network import PASSWORD
from xmppsocial.content.compose import new_post
from xmppsocial.xmpp.client import ConnectionSettings
from xmppsocial.xmpp.service import XmppService
async def main():
    jid, host, port, cafile, count = sys.argv[1:6]
    burster = XmppService(ConnectionSettings(jid, PASSWORD, host, int(port), cafile),
                          lambda e: None, resync_on_connect=False)
    await burster.start()
    first = new_post(service=burster.jid, author_name="b", markdown="first", title="first")
    await burster.publish_post(first, access="open")
    for n in range(5):  # something to scroll over
        await burster.publish_post(new_post(service=burster.jid, author_name="b",
                                            markdown=f"older {n}", title=f"older {n}"))
    posts = [new_post(service=burster.jid, author_name="b", markdown=f"burst {n}",
                      title=f"burst {n}") for n in range(int(count))]
    print("ready", posts[-1].item_id, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    gate = asyncio.Semaphore(32)
    async def send(post):
        async with gate:
            # No attachments node per post: on Prosody each costs time in proportion to
            # the account's nodes, and this measures the reader, not the publisher.
            await burster.publish_post(post, likeable=False)
    start = time.perf_counter()
    await asyncio.gather(*(send(p) for p in posts))
    print(time.perf_counter() - start, flush=True)
    await burster.stop()
asyncio.run(main())
"""


async def run(server: XmppServer, work: Path, tag: str, pressing: bool) -> dict:
    burster_settings = settings(server, f"burster{tag}")
    watcher_settings = settings(server, f"watcher{tag}")
    await register_account(burster_settings)
    await register_account(watcher_settings)
    burster = await asyncio.create_subprocess_exec(
        sys.executable, "-c", BURSTER, burster_settings.jid, server.host, str(server.port),
        str(server.cafile), str(COUNT), stdin=PIPE, stdout=PIPE)
    assert burster.stdin is not None and burster.stdout is not None
    ready = (await burster.stdout.readline()).decode().split()
    if not ready or ready[0] != "ready":
        raise SystemExit("the publishing process did not start")
    last = (burster_settings.jid, MICROBLOG_NODE, ready[1])
    blog = NodeRef(burster_settings.jid, MICROBLOG_NODE)
    store = Store(work / f"watcher{tag}.sqlite3")
    account = Account(watcher_settings.jid, host=server.host, port=server.port,
                      ca_file=str(server.cafile))
    app = XmppSocialApp(store, service_factory=service_factory(store, account, PASSWORD),
                        account=account.jid)
    figures: dict[str, object] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await until(lambda: app.status.state == ConnectionState.ONLINE)
        toggle_follow(app, blog, True)  # what f does
        await until(lambda: len(app.feed.rows) >= 6)
        await pilot.pause()
        stop = asyncio.Event()
        pressing_task = None
        if pressing:
            app.feed.action_cursor_down()
            await pilot.pause()
            figures["idle keys"] = await keys(app, None, 30)
            pressing_task = asyncio.create_task(keys(app, stop))
        start = time.perf_counter()
        burster.stdin.write(b"go\n")
        await burster.stdin.drain()
        if pressing:
            await until(lambda: app.main_panes.reader.new_posts >= COUNT)
        else:
            await until(lambda: app.feed.rows.row(0) is not None
                        and app.feed.rows.row(0).key == last)
        figures["shown"] = await next_frame(time.perf_counter()) - start
        figures["stored"] = store.timeline().count()
        stop.set()
        if pressing_task is not None:
            figures["burst keys"] = await pressing_task
    figures["published"] = float(await burster.stdout.readline())
    await burster.wait()
    store.close()
    return figures


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ordered[-1]:.1f} ms over {len(ordered)} keys")


def main() -> None:
    byte_compile()
    work = Path(tempfile.mkdtemp())
    (work / "server").mkdir()
    server = XmppServer("prosody", work / "server", settings={"fast": "1"})
    server.start()
    try:
        top = asyncio.run(run(server, work, "a", pressing=False))
        scrolled = asyncio.run(run(server, work, "b", pressing=True))
    finally:
        server.stop()
    print(f"{COUNT:,} posts pushed; the publisher needed {top['published']:.2f} s")
    print(f"reader at the top: newest post on screen after {top['shown']:.2f} s "
          f"({top['stored']:,} posts in the feed)")
    print(f"reader scrolled: \"{COUNT:,} new posts\" on screen after {scrolled['shown']:.2f} s")
    print(f"keys while idle:       {summary(scrolled['idle keys'])}")  # type: ignore[arg-type]
    burst_keys = scrolled["burst keys"]
    print(f"keys during the burst: {summary(burst_keys)}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
