"""Network figures on a throwaway loopback Prosody (fast test settings):

- ``read --limit 20`` end to end vs a bare slixmpp script (connect, authenticate, fetch 20);
- first sync of N followed blogs x 20 posts (XmppService.resync) vs one fetch after another,
  straight on loopback and again through ``bench.delay_proxy`` with a round trip added
  (``--rtt``, 30 ms by default: a server on the same continent);
- a burst of 1,000 posts pushed by another account: time until all are in the cache.

    .venv/bin/python -m bench.network [--blogs 200] [--rtt 30]

Why two sync figures: on loopback a request waits for nothing but CPU, so one fetch after
another is the server's CPU time plus the client's, and doing them together can at best
overlap the two (the CPU split is printed to show it). On a real connection each request
also waits a round trip, and that wait is what fetching together hides.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.installed import byte_compile
from xmppsocial.content.compose import new_post
from xmppsocial.localserver import XmppServer
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.xmpp.client import ConnectionSettings
from xmppsocial.xmpp.register import register_account
from xmppsocial.xmpp.service import XmppService

BARE_READ = """
import asyncio, sys, slixmpp
from pathlib import Path
async def main():
    c = slixmpp.ClientXMPP(sys.argv[1], sys.argv[2])
    c.enable_direct_tls = False
    c.ca_certs = Path(sys.argv[5])
    c.register_plugin("xep_0060")
    done = asyncio.get_running_loop().create_future()
    c.add_event_handler("session_start", lambda e: done.set_result(None))
    c.connect(sys.argv[3], int(sys.argv[4]))
    await done
    r = await c.plugin["xep_0060"].get_items(sys.argv[1].split("/")[0], "urn:xmpp:microblog:0",
                                           max_items=20)
    print(len(r["pubsub"]["items"]))
    c.disconnect()
asyncio.run(main())
"""
PASSWORD = "bench-password"


def settings(server: XmppServer, name: str) -> ConnectionSettings:
    return ConnectionSettings(f"{name}@{server.domain}", PASSWORD, server.host, server.port,
                              server.cafile)


async def blog(server: XmppServer, name: str, count: int) -> None:
    await register_account(settings(server, name))
    service = XmppService(settings(server, name), lambda e: None, resync_on_connect=False)
    await service.start()
    try:
        posts = [new_post(service=service.jid, author_name=name, markdown=f"post {n}",
                          title=f"{name} {n}") for n in range(count)]
        await service.publish_post(posts[0], access="open")
        for post in posts[1:]:
            await service.publish_post(post)
    finally:
        await service.stop()


def median_runs(commands: list[list[str]], env: dict[str, str], repeat: int = 15
                ) -> list[float]:
    """Median wall time of each command, run in turn (a, b, a, b…) so that a slow spell
    of a shared machine hits both alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for argv, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


async def seed_blogs(server: XmppServer, blogs: int) -> list[NodeRef]:
    names = [f"blog{n:03d}" for n in range(blogs)]
    for start in range(0, blogs, 20):
        await asyncio.gather(*(blog(server, n, 20) for n in names[start:start + 20]))
    await register_account(settings(server, "reader"))
    return [NodeRef(f"{n}@{server.domain}") for n in names]


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by a process (Linux /proc), or by this one."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sync_figures(server: XmppServer, nodes: list[NodeRef], rtt_ms: float
                       ) -> tuple[float, float, float, float]:
    """(resync, one fetch after another) in seconds, for the reader account, then the CPU
    seconds the server and this client spent during the resync."""
    account = settings(server, "reader")
    relay = None
    if rtt_ms:
        relay = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.delay_proxy", server.host, str(server.port),
            str(rtt_ms), stdout=subprocess.PIPE)
        assert relay.stdout is not None
        account = replace(account, host="127.0.0.1", port=int(await relay.stdout.readline()))
    received: list[int] = []
    reader = XmppService(account,
                         lambda e: received.append(len(getattr(e, "posts", ()))),
                         followed=lambda: nodes, resync_on_connect=False)
    await reader.start()
    try:
        assert server.process is not None
        server_cpu, client_cpu = cpu_seconds(server.process.pid), cpu_seconds()
        start = time.perf_counter()
        await reader.resync()
        together = time.perf_counter() - start
        server_cpu = cpu_seconds(server.process.pid) - server_cpu
        client_cpu = cpu_seconds() - client_cpu
        start = time.perf_counter()
        for node in nodes:
            await reader.fetch_latest(node, 20, deliver=False)
        one_by_one = time.perf_counter() - start
    finally:
        await reader.stop()
        if relay is not None:
            relay.kill()
            await relay.wait()
    assert sum(received) >= len(nodes) * 20, sum(received)
    return together, one_by_one, server_cpu, client_cpu


async def burst_figure(server: XmppServer, work: Path) -> float:
    await register_account(settings(server, "burster"))
    await register_account(settings(server, "watcher"))
    store = Store(work / "burst.sqlite3")
    seen = asyncio.Event()
    count = 0

    def sink(event) -> None:  # type: ignore[no-untyped-def]
        nonlocal count
        posts = getattr(event, "posts", ())
        if posts:
            count += len(store.upsert_posts(posts).new)  # what the app does per event
            if count >= 1000:
                seen.set()

    burster = XmppService(settings(server, "burster"), lambda e: None, resync_on_connect=False)
    watcher = XmppService(settings(server, "watcher"), sink, resync_on_connect=False)
    await burster.start()
    await watcher.start()
    try:
        first = new_post(service=burster.jid, author_name="b", markdown="first", title="first")
        await burster.publish_post(first, access="open")
        await watcher.follow(burster.own_blog)
        count = 0
        posts = [new_post(service=burster.jid, author_name="b", markdown=f"burst {n}",
                          title=f"burst {n}") for n in range(1000)]
        gate = asyncio.Semaphore(32)  # 32 in flight, as the server notes measured

        async def send(post):  # type: ignore[no-untyped-def]
            async with gate:
                # No attachments node per post: on Prosody each costs time in proportion
                # to the account's nodes, and this measures the reader, not the publisher.
                await burster.publish_post(post, likeable=False)

        start = time.perf_counter()
        await asyncio.gather(*(send(p) for p in posts))
        await asyncio.wait_for(seen.wait(), 60)
        return time.perf_counter() - start
    finally:
        await burster.stop()
        await watcher.stop()
        store.close()


def main() -> None:
    byte_compile()
    parser = argparse.ArgumentParser()
    parser.add_argument("--blogs", type=int, default=200)
    parser.add_argument("--rtt", type=float, default=30.0,
                        help="round trip added for the second sync figure, in ms")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    (work / "server").mkdir()
    server = XmppServer("prosody", work / "server", settings={"fast": "1"})
    server.start()
    try:
        asyncio.run(blog(server, "alice", 40))
        alice = settings(server, "alice")
        env = {**os.environ, "XMPPSOCIAL_PASSWORD": PASSWORD,
               **{v: str(work / v.lower()) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                      "XDG_CACHE_HOME", "XDG_STATE_HOME")}}
        ours, bare = median_runs([
            [sys.executable, "-m", "xmppsocial", "--jid", alice.jid, "--server",
             f"{server.host}:{server.port}", "--ca-file", str(server.cafile), "read",
             "--limit", "20", "--json"],
            [sys.executable, "-c", BARE_READ, alice.jid, PASSWORD, server.host,
             str(server.port), str(server.cafile)]], env)
        print(f"read --limit 20: {ours * 1000:.0f} ms; bare slixmpp script: "
              f"{bare * 1000:.0f} ms; ratio {ours / bare:.2f}x")
        nodes = asyncio.run(seed_blogs(server, args.blogs))
        for rtt, where in ((0, "loopback"), (args.rtt, f"{args.rtt:g} ms round trip added")):
            together, one_by_one, server_cpu, client_cpu = asyncio.run(
                sync_figures(server, nodes, rtt))
            print(f"first sync of {args.blogs} blogs x 20 posts ({where}): {together:.2f} s; "
                  f"one after another: {one_by_one:.2f} s; {one_by_one / together:.1f}x faster\n"
                  f"  CPU during the sync: server {server_cpu:.2f} s, client {client_cpu:.2f} s, "
                  f"on {os.cpu_count()} CPUs")
        burst = asyncio.run(burst_figure(server, work))
        print(f"1,000 pushed posts all in the cache after {burst:.2f} s "
              "(publisher pipelining included)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
