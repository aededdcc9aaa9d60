"""Running the demo: server up, content in, TUI open, everything gone on quit."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xmppsocial.localserver import XmppServer, find_binary

LIVE_INTERVAL = 20.0


def ensure_prosody() -> bool:
    if find_binary("prosody") is not None:
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Prosody for the demo (apt-get install prosody)…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-q", "prosody"], env=env)
        return done.returncode == 0 and find_binary("prosody") is not None
    print("The demo needs Prosody. Install it with: sudo apt-get install prosody",
          file=sys.stderr)
    return False


async def live_author(settings, followed_by: str) -> None:  # type: ignore[no-untyped-def]
    """Alice keeps posting and commenting while the demo runs, to show live updates."""
    from dataclasses import replace

    from xmppsocial.content.compose import comment, new_post
    from xmppsocial.demo.content import COMMENTS, GARDEN
    from xmppsocial.xmpp.service import XmppService

    rng = random.Random()
    alice = XmppService(settings, lambda event: None, resync_on_connect=False)
    await alice.start()
    try:
        n = 0
        while True:
            await asyncio.sleep(LIVE_INTERVAL)
            n += 1
            if n % 2:
                title, body = rng.choice(GARDEN)
                post = new_post(service=alice.jid, author_name="Alice Marchetti",
                                markdown=body, title=f"{title} (live {n})")
                post = replace(post, comments=await alice.create_comments_node(post.item_id))
                await alice.publish_post(post)
            else:
                page = await alice.fetch_latest(alice.own_blog, 5, deliver=False)
                if page.posts:
                    target = rng.choice(page.posts)
                    await alice.publish_comment(comment(
                        target, service=alice.jid, author_name="Alice Marchetti",
                        markdown=rng.choice(COMMENTS)))
    finally:
        await alice.stop()


def run_demo() -> int:
    if not ensure_prosody():
        return 2
    work = Path(tempfile.mkdtemp(prefix="xmppsocial-demo-"))
    os.chmod(work, 0o700)
    server = XmppServer("prosody", work / "server", settings={"fast": "1"})
    (work / "server").mkdir()
    # The demo's own config and cache: the user's real ones are never touched.
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(work / name.lower())
    try:
        print("Starting a throwaway Prosody on 127.0.0.1…")
        server.start()
        print("Writing sample blogs, comments and follows…")
        from xmppsocial.demo.seed import PASSWORD, USER, remember_follows, seed

        accounts = asyncio.run(seed(server))
        from xmppsocial.config import Account
        from xmppsocial.store import Store
        from xmppsocial.ui.launch import build_app

        store = Store(work / "cache.sqlite3")
        remember_follows(store, accounts)
        you = accounts[USER]
        app = build_app(store, Account(you.jid, host=server.host, port=server.port,
                                       ca_file=server.cafile), PASSWORD)
        app.companions.append(lambda: live_author(accounts["alice"], you.jid))
        app.startup_notice = ("Demo: a throwaway server on 127.0.0.1. Alice posts every "
                              f"{LIVE_INTERVAL:.0f} s. Quit with q; nothing is kept.")
        try:
            app.run()
        finally:
            store.close()
        return 0
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
