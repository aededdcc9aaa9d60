"""What reaches the author: ``followers`` and ``notifications``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from xmppsocial.cli.graph_session import GraphSession, graph_session, refused
from xmppsocial.content.sanitize import clean_line
from xmppsocial.graph_apply import SUBSCRIPTION, own_blog
from xmppsocial.notifications import PUBLIC_LIST, Notification
from xmppsocial.uris import post_uri


async def refresh_followers(session: GraphSession, explain: bool) -> bool:
    """List our followers where the server can, else read contacts' public follow lists;
    returns whether the server could list them."""
    from xmppsocial.xmpp import graph_watch

    service = session.service
    listed = await graph_watch.list_followers(service)  # type: ignore[arg-type]
    session.take(listed)
    if not listed.supported:
        if explain:
            session.messages.append(f"{listed.reason[:1].upper()}{listed.reason[1:]}. Shown: "
                                    "contacts whose public follow list names your blog.")
        contacts = await graph_watch.roster_contacts(service)  # type: ignore[arg-type]
        for event in await graph_watch.contacts_public_lists(service, contacts):  # type: ignore[arg-type]
            session.take(event)
    return listed.supported


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


async def cmd_followers(args: argparse.Namespace) -> int:
    from xmppsocial.xmpp.iq import ServiceError

    async with graph_session(args, offline_ok=True) as session:
        supported: bool | None = None  # offline: everyone known, however known
        if session.service is not None:
            try:
                supported = await refresh_followers(session, explain=True)
            except ServiceError as exc:
                raise refused(exc) from None
        else:
            print(f"Offline ({session.offline}): the followers known here, which may be out "
                  "of date.", file=sys.stderr)
        session.say()
        # Where the server lists followers its list is the truth; elsewhere contacts'
        # public lists are all there is.
        source = {True: SUBSCRIPTION, False: PUBLIC_LIST, None: None}[supported]
        followers = session.store.followers(own_blog(session.me), source)
    if args.json:
        print(json.dumps([{"jid": f.jid, "source": f.source,
                           "first_seen": datetime.fromtimestamp(f.first_seen).astimezone()
                           .isoformat(timespec="seconds")} for f in followers], indent=2))
    elif not followers:
        print("No contact's public follow list names your blog." if supported is False
              else "Nobody follows your blog yet.", file=sys.stderr)
    else:
        for f in followers:
            label = "  (in their public follow list)" if f.source == PUBLIC_LIST else ""
            print(f"{f.jid}{label}")
    return 0


def notification_json(note: Notification) -> dict[str, object]:
    return {"id": note.id, "kind": note.kind, "actor": note.actor,
            "actor_name": note.actor_name, "text": note.text,
            "post": post_uri(note.target) if note.target else None,
            "about": post_uri(note.about) if note.about else None,
            "post_title": note.target_title, "read": note.read,
            "created": datetime.fromtimestamp(note.created).astimezone()
            .isoformat(timespec="seconds")}


async def cmd_notifications(args: argparse.Namespace) -> int:
    """Fetch what happened on our newest posts and to our followers, then list what the
    cache holds, newest first."""
    from xmppsocial.xmpp import graph_watch
    from xmppsocial.xmpp.iq import ServiceError

    async with graph_session(args, offline_ok=True, connect=not args.offline) as session:
        if session.service is not None:
            try:
                await refresh_followers(session, explain=False)
                await graph_watch.watch_own_posts(session.service)  # type: ignore[arg-type]
            except ServiceError as exc:
                if not exc.has("item-not-found"):  # no blog yet: nothing to watch
                    session.offline = f"not everything could be fetched ({exc.message})"
        if session.offline and not args.offline:
            print(f"Offline ({session.offline}): the notifications stored here.",
                  file=sys.stderr)
        session.say()
        notes = session.store.notifications(unread_only=args.unread)
        if args.mark_read:
            session.store.mark_notifications_read(n.id for n in notes if n.id is not None)
    if args.json:
        print(json.dumps([notification_json(n) for n in notes], ensure_ascii=False, indent=2))
    elif not notes:
        print("No new notifications." if args.unread else "No notifications yet.",
              file=sys.stderr)
    else:
        for note in notes:
            mark = " " if note.read else "●"
            where = f"  [{clean_line(note.target.item, 40)}]" if note.target else ""
            print(f"{mark} {_when(note.created)}  {note.headline()}{where}")
    return 0
