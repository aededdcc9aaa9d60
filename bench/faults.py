"""Faults on a live connection: how soon each is noticed, how soon it is repaired, what
was lost. ``python -m bench.faults [--ping SECONDS] [--kinds prosody,ejabberd]``

For each server kind an own instance is started (Prosody with file storage, so that a
SIGKILL keeps its data). Bob follows Alice through a loopback relay; the fault hits
Bob's path (or the server), Alice publishes three posts meanwhile (for a kill: after
the restart), and the script prints, per fault: seconds from the fault to Bob's client
saying offline, seconds to online again, how it came back (resumed XEP-0198 session or
a fresh one with a catch-up) and how many of the three posts reached him.

Baseline, same run: the black-holed path with the liveness probes off (ping_interval
600 s), i.e. the client as it was before: it stays "online" and receives nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import account_factory
from tests.relay import Relay
from xmppsocial.events import ConnectionChanged, PostsReceived
from xmppsocial.localserver import XmppServer
from xmppsocial.model import MICROBLOG_NODE, Author, ConnectionState, Post
from xmppsocial.xmpp.service import XmppService

FAULTS = ("close", "half_open", "black_hole", "kill")
WAIT = 120.0


def post(service: str, item: str) -> Post:
    when = datetime.now(UTC).replace(microsecond=0)
    return Post(service=service, node=MICROBLOG_NODE, item_id=item, title=item,
                published=when, updated=when, author=Author(name="Alice", jid=service),
                text="posted during the fault", body="posted during the fault")


class Watch:
    def __init__(self) -> None:
        self.events: list[tuple[float, object]] = []

    def __call__(self, event: object) -> None:
        self.events.append((time.monotonic(), event))

    def first(self, after: float, test) -> tuple[float, object] | None:  # type: ignore[no-untyped-def]
        return next(((t, e) for t, e in self.events if t >= after and test(e)), None)

    def received(self, ids: list[str]) -> set[str]:
        return {p.item_id for _, e in self.events if isinstance(e, PostsReceived)
                for p in e.posts if p.item_id in ids}


async def until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def one(server: XmppServer, fault: str, ping: float) -> dict[str, object]:
    new_account = account_factory(server)
    alice_settings, bob_settings = await new_account("alice"), await new_account("bob")
    if server.kind == "ejabberd":  # see test_liveness: mnesia writes a moment later
        names = [s.jid.split("@")[0].encode() for s in (alice_settings, bob_settings)]
        await until(lambda: all(any(n in p.read_bytes() for p in
                                    (server.directory / "db").glob("*.LOG")) for n in names),
                    30)
    alice = XmppService(alice_settings, lambda _e: None)
    await alice.start()
    await alice.publish_post(post(alice.jid, "warm-up-0001"), access="open")
    relay = Relay(server.host, server.port)
    watch = Watch()
    bob = XmppService(replace(bob_settings, host=relay.host, port=relay.port,
                              ping_interval=ping), watch, followed=lambda: [alice.own_blog])
    await bob.start()
    await bob.follow(alice.own_blog)
    await asyncio.sleep(1.0)  # quiet, as a connection mostly is
    ids = [f"{fault}-{n}-{int(time.time())}" for n in range(3)]
    started = time.monotonic()
    if fault == "kill":
        await alice.stop()
        server.kill()
    else:
        getattr(relay, fault)()
        for item in ids:
            await alice.publish_post(post(alice.jid, item), access="open")

    def offline(e: object) -> bool:
        return isinstance(e, ConnectionChanged) and e.state is ConnectionState.OFFLINE

    await until(lambda: watch.first(started, offline) is not None, WAIT)
    noticed = watch.first(started, offline)
    if fault == "kill":
        relay.new = "close"  # Bob stays away while Alice posts after the restart
        await asyncio.to_thread(server.start)
        restarted = time.monotonic()
        alice = XmppService(alice_settings, lambda _e: None)
        await alice.start()
        for item in ids:
            await alice.publish_post(post(alice.jid, item), access="open")
        relay.new = "pass"
    else:
        restarted = started

    def back(e: object) -> bool:
        return isinstance(e, ConnectionChanged) and e.state is ConnectionState.ONLINE

    await until(lambda: watch.first(started, back) is not None and
                len(watch.received(ids)) == 3, WAIT if noticed else 5)
    online = watch.first(started, back)
    row = {
        "fault": fault,
        "noticed": f"{noticed[0] - started:.1f}" if noticed else f"not in {WAIT:.0f}",
        "back": f"{online[0] - restarted:.1f}" if online else "-",
        "how": (online[1].reason or "fresh session") if online else "-",  # type: ignore[union-attr]
        "arrived": f"{len(watch.received(ids))}/3",
    }
    await bob.stop()
    await alice.stop()
    relay.stop()
    return row


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ping", type=float, default=20.0, help="ping_interval (default 20)")
    parser.add_argument("--kinds", default="prosody,ejabberd")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        for kind in args.kinds.split(","):
            directory = Path(base) / kind
            directory.mkdir()
            server = XmppServer(kind, directory, settings={"fast": "0"} if kind == "prosody"
                                else {})
            await asyncio.to_thread(server.start)
            try:
                print(f"\n{kind}, ping_interval {args.ping:g} s")
                print(f"{'fault':22} {'noticed after s':>16} {'online after s':>15} "
                      f"{'how':>14} {'posts':>6}")
                rows = [await one(server, fault, args.ping) for fault in FAULTS]
                rows.append({**await one(server, "black_hole", 600.0),
                             "fault": "black_hole, no probes"})
                for row in rows:
                    print(f"{row['fault']:22} {row['noticed']:>16} {row['back']:>15} "
                          f"{row['how']:>14} {row['arrived']:>6}")
            finally:
                await asyncio.to_thread(server.stop)
    print("\n'online after' for a kill counts from the restart; the other faults let new "
          "connections through at once.")


if __name__ == "__main__":
    asyncio.run(main())
