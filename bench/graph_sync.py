"""What follows on the account cost at connect, on a throwaway loopback Prosody (fast test
settings), and how fast the cache answers for notifications:

- connect + resync of N followed blogs without the follow merge (the baseline: what a
  connect cost before follows lived on the account) against the same with the merge
  (the two lists read before the resync), with a cache that knows the follows and with
  an empty one (a new laptop: N follows learnt and stored);
- the background part after connecting (N subscriptions made sure of, followers listed,
  the newest 10 posts' comments and likes fetched);
- the notification queries the status line and the list use, over 20,000 stored.

    .venv/bin/python -m bench.graph_sync [--blogs 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from xmppsocial.content.compose import new_post
from xmppsocial.localserver import XmppServer
from xmppsocial.model import NodeRef
from xmppsocial.notifications import Notification
from xmppsocial.store import Store
from xmppsocial.xmpp.client import ConnectionSettings
from xmppsocial.xmpp.register import register_account
from xmppsocial.xmpp.service import XmppService

PASSWORD = "bench-password"


def settings(server: XmppServer, name: str) -> ConnectionSettings:
    return ConnectionSettings(f"{name}@{server.domain}", PASSWORD, server.host, server.port,
                              server.cafile)


async def make_blog(server: XmppServer, name: str) -> None:
    await register_account(settings(server, name))
    service = XmppService(settings(server, name), lambda e: None, resync_on_connect=False,
                          present=False)
    await service.start()
    try:
        await service.publish_post(new_post(service=service.jid, author_name=name,
                                            markdown="hello", title=name), access="open")
    finally:
        await service.stop()


async def connect_once(server: XmppServer, store: Store, merge: bool) -> tuple[float, float]:
    """Seconds until online and resynced; then until the background part is done."""
    done = asyncio.Event()

    def sink(event: object) -> None:
        from xmppsocial.events import AttachmentsReceived, FollowersListed

        if isinstance(event, FollowersListed | AttachmentsReceived):
            done.set()

    service = XmppService(settings(server, "reader"), sink, followed=store.followed_nodes,
                          book=store if merge else None)
    started = time.perf_counter()
    await service.start()
    online = time.perf_counter() - started
    if merge:
        await asyncio.wait_for(done.wait(), 60)
        while service._tasks:  # the background part: followers, the newest posts watched
            await asyncio.sleep(0.005)
    background = time.perf_counter() - started - online
    await service.stop()
    return online, background


async def network(blogs: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = XmppServer("prosody", Path(tmp) / "server", settings={"fast": "1"})
        (Path(tmp) / "server").mkdir()
        server.start()
        try:
            names = [f"blog{n:03d}" for n in range(blogs)]
            await asyncio.gather(*(make_blog(server, n) for n in names))
            await register_account(settings(server, "reader"))
            known = Store(Path(tmp) / "known.sqlite3")
            reader = XmppService(settings(server, "reader"), lambda e: None, book=known,
                                 followed=known.followed_nodes)
            await reader.start()
            for name in names:
                node = NodeRef(f"{name}@{server.domain}")
                await reader.follow(node)
                known.set_followed(node, True)
            for n in range(10):  # posts of its own with comments, watched after connecting
                post = new_post(service=reader.jid, author_name="reader", markdown=f"n{n}",
                                title=f"own {n}")
                comments = await reader.create_comments_node(post.item_id)
                await reader.publish_post(replace(post, comments=comments), access="open")
            await reader.stop()
            figures: dict[str, list[float]] = {"baseline": [], "merge": [], "fresh": [],
                                               "background": []}
            for round_ in range(rounds):  # interleaved, so machine drift hits all alike
                figures["baseline"].append((await connect_once(server, known, False))[0])
                online, background = await connect_once(server, known, True)
                figures["merge"].append(online)
                figures["background"].append(background)
                fresh = Store(Path(tmp) / f"fresh{round_}.sqlite3")
                figures["fresh"].append((await connect_once(server, fresh, True))[0])
                assert len(fresh.follows()) == blogs
                fresh.close()
            known.close()
        finally:
            server.stop()
    base = statistics.median(figures["baseline"])
    print(f"connect + resync of {blogs} followed blogs, median of {rounds} (Prosody, loopback):")
    print(f"  without the follow merge (baseline)   {base * 1000:8.1f} ms")
    for key, label in (("merge", "with the merge, cache up to date"),
                       ("fresh", "with the merge, empty cache")):
        value = statistics.median(figures[key])
        print(f"  {label:37} {value * 1000:8.1f} ms  ×{value / base:.2f}")
    print(f"  then in the background (followers, newest posts watched) "
          f"{statistics.median(figures['background']) * 1000:.1f} ms")


def store_queries() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "notes.sqlite3")
        notes = [Notification(f"comment:s:n:{n}", "comment", f"user{n % 50}@example.org",
                              text="words " * 10, created=1_700_000_000 + n, read=n % 3 > 0)
                 for n in range(20_000)]
        started = time.perf_counter()
        store.add_notifications(notes)
        insert = time.perf_counter() - started

        def timed(work, repeat: int = 50) -> float:  # type: ignore[no-untyped-def]
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                work()
                runs.append(time.perf_counter() - started)
            return statistics.median(runs)

        count = timed(store.unread_notification_count)
        newest = timed(lambda: store.notifications(limit=200))
        unread = timed(lambda: store.notifications(unread_only=True, limit=200))
        again = timed(lambda: store.add_notifications(notes[:100]))
        store.close()
    print("notifications in the cache (20,000 stored, a third unread), medians of 50:")
    print(f"  storing 20,000 at once           {insert * 1000:8.1f} ms")
    print(f"  unread count (status line)       {count * 1000:8.3f} ms")
    print(f"  newest 200 (the list)            {newest * 1000:8.3f} ms")
    print(f"  newest 200 unread                {unread * 1000:8.3f} ms")
    print(f"  100 already known, stored again  {again * 1000:8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blogs", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store_queries()
    asyncio.run(network(args.blogs, args.rounds))


if __name__ == "__main__":
    main()
