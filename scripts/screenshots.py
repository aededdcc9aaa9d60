"""Regenerate the SVGs in screenshots/ from the demo: a throwaway loopback Prosody seeded
with the demo's blogs, and the real app logged in as the demo user.

    .venv/bin/python -m scripts.screenshots
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from xmppsocial.localserver import XmppServer
from xmppsocial.model import ConnectionState

OUT = Path(__file__).resolve().parent.parent / "screenshots"
# name: keys pressed once the feed has synced
# (with the demo's fixed seed, the fifth post is Alice's and the eighth has two comments)
SHOTS = {
    "timeline.svg": ("j",) * 4,
    "thread.svg": ("j",) * 7 + ("enter",),
    "composer.svg": ("n", *"Planted *tomatoes* today", "tab", *"garden"),
    "blog.svg": ("j",) * 4 + ("b",),
    "unread.svg": ("U",),
    "help.svg": ("question_mark",),
}


async def settled(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Online, and the feed has stopped growing for a second (the first sync is done)."""
    deadline = time.monotonic() + 60
    last, still = -1, 0.0
    while time.monotonic() < deadline and still < 1.0:
        await pilot.pause(0.1)
        count = len(app.feed.rows)
        online = app.status.state == ConnectionState.ONLINE
        still = still + 0.1 if online and count == last and count else 0.0
        last = count
    if still < 1.0:
        raise SystemExit("the demo feed did not settle within a minute")


async def shoot(name: str, keys: tuple[str, ...], server: XmppServer, accounts, work: Path
                ) -> None:  # type: ignore[no-untyped-def]
    from xmppsocial.config import Account
    from xmppsocial.demo.seed import PASSWORD, USER, remember_follows
    from xmppsocial.store import Store
    from xmppsocial.ui.launch import build_app

    store = Store(work / f"{name}.sqlite3")
    remember_follows(store, accounts)
    you = accounts[USER]
    app = build_app(store, Account(you.jid, host=server.host, port=server.port,
                                   ca_file=server.cafile), PASSWORD)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(app, pilot)
        if keys:
            await pilot.press(*keys)
        await pilot.pause(1.0)  # pages the keys opened fetch from the server
        app.save_screenshot(name, str(OUT))
    store.close()


def main() -> None:
    from xmppsocial.demo.seed import seed

    work = Path(tempfile.mkdtemp(prefix="xmppsocial-shots-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(work / name.lower())
    (work / "server").mkdir()
    server = XmppServer("prosody", work / "server", settings={"fast": "1"})
    server.start()
    try:
        accounts = asyncio.run(seed(server))
        for name, keys in SHOTS.items():
            asyncio.run(shoot(name, keys, server, accounts, work))
            print(f"screenshots/{name}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
