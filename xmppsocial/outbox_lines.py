"""An outbox item as one line for people: what it is, where it goes, its words, its state.

Pure (no Textual): the TUI's outbox screen shows these, and what an item is, is decided
once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from xmppsocial.content.sanitize import clean_line
from xmppsocial.store.outbox import OutboxItem


@dataclass(frozen=True, slots=True)
class OutboxLine:
    what: str  # "post", "edit", "comment", "like", "delete"
    where: str  # whose blog
    text: str  # the first words, or "" for a like or a delete
    failed: bool
    reason: str  # why it failed, or why the last try did not go through
    editable: bool  # has text the composer can open

    @property
    def state(self) -> str:
        return "failed" if self.failed else "waiting"


def describe(item: OutboxItem, width: int = 60) -> OutboxLine:
    """What ``item`` is, in words."""
    action = item.action
    draft = str(item.options.get("draft") or "")
    what = {"publish": "edit" if draft.startswith("edit:") else "post", "comment": "comment",
            "like": "like", "retract": "delete"}.get(action, action)
    where = item.node.service
    return OutboxLine(what, where, clean_line(words_of(item), width), item.failed,
                      clean_line(item.last_error or "", 200),
                      action in ("publish", "comment") and bool(item.payload))


def words_of(item: OutboxItem) -> str:
    """The title or the first words of an item's entry ("" when it carries none)."""
    if item.action not in ("publish", "comment") or not item.payload:
        return item.item_id if item.action in ("like", "retract") else ""
    from xmppsocial.content.microblog import EntryError, parse_entry

    try:
        post = parse_entry(item.payload, item.node.service, item.node.node, item.item_id)
    except EntryError:
        return item.item_id
    return post.title or post.text or item.item_id
