"""Filling the throwaway server: accounts, blogs, comments, likes, follows, an imported feed."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources

from xmppsocial.content.compose import comment, like_comment, new_post
from xmppsocial.demo.content import AUTHORS, COMMENTS, posts_for
from xmppsocial.localserver import XmppServer
from xmppsocial.model import Post
from xmppsocial.xmpp.client import ConnectionSettings
from xmppsocial.xmpp.register import register_account
from xmppsocial.xmpp.service import XmppService

log = logging.getLogger(__name__)
PASSWORD = "demo-password"
USER = "you"
FOLLOWED = ("alice", "bob", "dave")


def remember_follows(store, accounts: dict[str, ConnectionSettings]) -> None:  # type: ignore[no-untyped-def]
    """The app keeps its own follow list (Prosody cannot tell us what we follow)."""
    from xmppsocial.model import NodeRef

    for name in FOLLOWED:
        store.set_feed(NodeRef(accounts[name].jid), followed=True)


def settings_for(server: XmppServer, name: str) -> ConnectionSettings:
    return ConnectionSettings(f"{name}@{server.domain}", PASSWORD, server.host, server.port,
                              server.cafile)


async def connect(server: XmppServer, name: str) -> XmppService:
    service = XmppService(settings_for(server, name), lambda event: None,
                          resync_on_connect=False)
    await service.start()
    return service


async def publish_blog(service: XmppService, name: str, count: int, access: str,
                       rng: random.Random, now: datetime) -> list[Post]:
    posts = []
    for n, (title, body, tags) in enumerate(posts_for(name, count, rng)):
        when = now - timedelta(hours=(count - n) * 7 + rng.randint(0, 5))
        post = new_post(service=service.jid, author_name=AUTHORS[name][0], markdown=body,
                        title=title, tags=tags, now=when)
        post = replace(post, comments=await service.create_comments_node(post.item_id))
        await service.publish_post(post, access=access)
        posts.append(post)
    return posts


async def import_feed(service: XmppService) -> int:
    """Dave's blog comes from an Atom file shipped with xmppsocial."""
    try:
        from xmppsocial.feeds.importing import parse_feed
    except ImportError:  # the importer is not part of this build
        return 0
    data = resources.files("xmppsocial.data").joinpath("demo-feed.atom").read_bytes()
    feed = parse_feed(data, service=service.jid, author_name=AUTHORS["dave"][0])
    for post in feed.posts:
        await service.publish_post(post, access="open")
    return len(feed.posts)


async def befriend(a: XmppService, b: XmppService) -> None:
    """Mutual presence subscription, so b's contacts-only blog is readable by a."""
    for service in (a, b):
        service.client.auto_authorize = True
        service.client.auto_subscribe = True
    a.client.send_presence_subscription(pto=b.jid)
    for _ in range(50):
        await asyncio.sleep(0.1)
        roster = a.client.client_roster
        if b.jid in roster and roster[b.jid]["subscription"] == "both":
            return
    log.warning("the contacts-only demo blog may not be readable: no mutual subscription")


async def seed(server: XmppServer, seed_value: int = 7,
               prefix: str = "") -> dict[str, ConnectionSettings]:
    """Create and fill the demo accounts; returns their settings by role (you, alice…).
    ``prefix`` goes before every account name (tests share one server)."""
    rng = random.Random(seed_value)
    names = [USER, *AUTHORS]
    await asyncio.gather(*(register_account(settings_for(server, prefix + n)) for n in names))
    services = {n: await connect(server, prefix + n) for n in names}
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        blogs = {
            "alice": await publish_blog(services["alice"], "alice", 24, "open", rng, now),
            "bob": await publish_blog(services["bob"], "bob", 20, "open", rng, now),
            "carol": await publish_blog(services["carol"], "carol", 6, "presence", rng, now),
        }
        imported = await import_feed(services["dave"])
        mine = []
        for title, body in (("Hello from the demo", "This is **your** blog. Press `n` to "
                             "write a post, `r` to reply, `l` to like."),
                            ("Trying xmppsocial", "Everything here lives on a throwaway "
                             "server that disappears when you quit.")):
            post = new_post(service=services[USER].jid, author_name="You", markdown=body,
                            title=title, now=now - timedelta(hours=3))
            post = replace(post, comments=await services[USER].create_comments_node(
                post.item_id))
            await services[USER].publish_post(post, access="open")
            mine.append(post)
        # conversations: comments and likes between the authors, and on your posts
        for author, posts in (("alice", blogs["alice"]), ("bob", blogs["bob"])):
            for post in rng.sample(posts, k=8):
                for other in rng.sample([n for n in ("alice", "bob", "carol") if n != author],
                                        k=rng.randint(1, 2)):
                    note = comment(post, service=services[other].jid,
                                   author_name=AUTHORS[other][0],
                                   markdown=rng.choice(COMMENTS))
                    await services[other].publish_comment(note)
                if rng.random() < 0.6:
                    heart = like_comment(post, service=services[USER].jid, author_name="You")
                    await services["carol"].publish_comment(replace(
                        heart, author=replace(heart.author, jid=services["carol"].jid,
                                              name=AUTHORS["carol"][0]),
                        publisher=services["carol"].jid))
        share = new_post(service=services["bob"].jid, author_name=AUTHORS["bob"][0],
                         markdown="Alice's tomatoes inspired me to try a window box.",
                         title="Window box", in_reply_to=blogs["alice"][0],
                         now=now - timedelta(hours=1))
        await services["bob"].publish_post(share)
        await services["alice"].publish_comment(comment(
            mine[0], service=services["alice"].jid, author_name=AUTHORS["alice"][0],
            markdown="Welcome! Follow me for garden news."))
        # follows: you follow three blogs, two people follow you
        await befriend(services[USER], services["carol"])
        for name in FOLLOWED if imported else FOLLOWED[:2]:
            await services[USER].follow(services[name].own_blog)
        for name in ("alice", "bob"):
            await services[name].follow(services[USER].own_blog)
    finally:
        await asyncio.gather(*(s.stop() for s in services.values()))
    return {n: settings_for(server, prefix + n) for n in names}
