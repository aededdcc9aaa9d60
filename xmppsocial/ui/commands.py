"""Every command of the app by name: what its key, its palette entry and its help line run.

Names are those of xmppsocial.keys (the key table, which [keys] rebinds). To add a
command: a KeySpec in xmppsocial/keys.py (name, default keys, label, what it does),
a function of the app in one of ui/actions/, and one line in COMMANDS below. The
binding, the palette entry and the help line follow from those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from xmppsocial.ui import connection
from xmppsocial.ui.actions import finding, liking, outbox, posting, reading, sharing, social

if TYPE_CHECKING:
    from xmppsocial.ui.app import XmppSocialApp

Command = Callable[["XmppSocialApp"], object]


def _help(app: XmppSocialApp) -> None:
    from xmppsocial.ui.screens.help import HelpScreen

    app.push_screen(HelpScreen(app.keymap))


def _notifications(app: XmppSocialApp) -> None:
    from xmppsocial.ui.screens.notifications import SHOWN, NotificationsScreen

    def chosen(note) -> None:  # type: ignore[no-untyped-def]
        if note is not None:
            finding.open_notification(app, note)

    app.push_screen(NotificationsScreen(app.store.notifications(limit=SHOWN),
                                        app.store.unread_notification_count()), chosen)


COMMANDS: dict[str, Command] = {
    "panes": reading.panes,
    "new_post": posting.new_post,
    "reply": posting.reply,
    "edit": posting.edit,
    "delete": posting.delete,
    "drafts": posting.drafts,
    "like": liking.like,
    "repeat": sharing.repeat,
    "follow": social.follow,
    "blog": social.blog,
    "tag": reading.tag,
    "search": reading.search,
    "leave": reading.leave,
    "home": reading.home,
    "unread_only": reading.unread_only,
    "next_unread": reading.next_unread,
    "mark_all_read": reading.mark_all_read,
    "undo": reading.undo,
    "open_link": reading.open_link,
    "notifications": _notifications,
    "open_address": finding.open_address,
    "following": finding.following,
    "followers": finding.followers,
    "contacts": finding.contacts,
    "pubsub": finding.pubsub,
    "switch_account": finding.switch_account,
    "retry_now": connection.retry_now,
    "outbox": outbox.open_outbox,
    "help": _help,
}
