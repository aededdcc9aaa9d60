"""When a post counts as read.

- Shown in the thread pane for about a second (DWELL): read. Passing over
  posts with j/k does not mark them; stopping to read does. The setting
  ``mark_read = "enter"`` keeps the older rule: only Enter marks a post read.
- Enter marks the post read at once, whatever the setting.
- ``u`` (next unread) marks the post it leaves.
- ``A`` marks every post of the view read, and can be undone once.
- Own posts are never unread (the store marks them read as they arrive).

Time is passed in, so that the rules are tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

from xmppsocial.model import PostRef
from xmppsocial.store import Scope, Store

DWELL = 1.0
MODES = ("shown", "enter")


@dataclass(frozen=True, slots=True)
class Undo:
    """What "mark all read" changed, to put back."""

    ids: tuple[int, ...]
    scope: Scope

    def __len__(self) -> int:
        return len(self.ids)


class ReadMarker:
    """Decides which posts become read, and records it in the store."""

    def __init__(self, store: Store, mode: str = "shown") -> None:
        if mode not in MODES:
            raise ValueError(f"mark_read: expected one of {', '.join(MODES)}, got {mode!r}")
        self.store = store
        self.mode = mode
        self._shown: PostRef | None = None
        self._since = 0.0
        self.last_undo: Undo | None = None

    def shown(self, ref: PostRef | None, now: float) -> float | None:
        """The thread pane now shows ``ref``; returns after how long to call ``due``, or None
        when showing alone never marks it."""
        if ref != self._shown:
            self._shown, self._since = ref, now
        return DWELL if ref is not None and self.mode == "shown" else None

    def due(self, now: float) -> PostRef | None:
        """The post to mark read now that time has passed, if it has been shown long enough."""
        if self.mode != "shown" or self._shown is None or now - self._since < DWELL - 1e-6:
            return None
        ref, self._shown = self._shown, None
        return ref if self._mark(ref) else None

    def opened(self, ref: PostRef) -> bool:
        """Enter on a post: read at once. Returns whether that changed anything."""
        return self._mark(ref)

    def left(self, ref: PostRef | None) -> bool:
        """``u`` leaves a post for the next unread one: the one left is read."""
        return ref is not None and self._mark(ref)

    def mark_view(self, scope: Scope) -> Undo:
        """Every unread post of ``scope`` read; the Undo puts them back."""
        timeline = self.store.timeline(scope)
        ids = tuple(timeline.unread_ids())
        self.store.mark_read_ids(ids)
        self.last_undo = Undo(ids, scope)
        return self.last_undo

    def undo(self) -> Undo | None:
        """Put back what the last ``mark_view`` changed (once)."""
        undo, self.last_undo = self.last_undo, None
        if undo is not None:
            self.store.mark_read_ids(undo.ids, read=False)
        return undo

    def _mark(self, ref: PostRef) -> bool:
        if not self.store.is_unread(ref):
            return False
        self.store.mark_read([ref])
        return True
