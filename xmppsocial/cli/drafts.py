"""``xmppsocial drafts``: the texts kept unsent (a refused or cancelled post, reply, edit).

Drafts use the TUI composer's keys ("new", "reply:SERVICE:NODE:ITEM", "edit:ITEM"), so
the TUI opens what the command line kept. A second text for a key already holding a
different one goes under ``KEY#2`` (then ``#3``…): a draft is never overwritten.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable

from xmppsocial.cli.session import (
    EXIT_CACHE,
    EXIT_USAGE,
    CommandError,
    account_from_args,
    open_store,
    say,
)


def keep(store, key: str, *, title: str = "", body: str,  # type: ignore[no-untyped-def]
         tags: Iterable[str] = ()) -> str:
    """Save ``body`` as a draft under ``key``, or under the first free ``key#N`` when
    another text is already kept there; returns the key used."""
    candidate, n = key, 1
    while True:
        existing = store.draft(candidate)
        if existing is None or not existing.body.strip() or existing.body == body:
            store.save_draft(candidate, title=title, body=body, tags=tags)
            return candidate
        n += 1
        candidate = f"{key}#{n}"


def _when(saved: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(saved))


async def cmd_drafts(args: argparse.Namespace) -> int:
    store = open_store(account_from_args(args))
    try:
        if args.action is None:
            drafts = store.drafts()
            if args.json:
                print(json.dumps([{"key": d.key, "title": d.title, "body": d.body,
                                   "tags": list(d.tags), "audience": d.audience,
                                   "saved": d.saved} for d in drafts], indent=2))
            elif not drafts:
                say("no drafts")
            for d in drafts if not args.json else ():
                first = " ".join((d.title or d.body).split())[:60]
                print(f"{d.key}\t{_when(d.saved)}\t{first}")
            return 0
        draft = store.draft(args.key)
        if draft is None:
            raise CommandError(f"no draft '{args.key}' (xmppsocial drafts lists them)",
                               EXIT_USAGE)
        if args.action == "show":
            if draft.title:
                say(f"title: {draft.title}")
            sys.stdout.write(draft.body if draft.body.endswith("\n") else draft.body + "\n")
            return 0
        if not store.writer:
            raise CommandError(f"cannot delete: {store.read_only_reason}", EXIT_CACHE)
        store.delete_draft(args.key)
        say(f"deleted draft '{args.key}'")
        return 0
    finally:
        store.close()
