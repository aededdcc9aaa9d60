"""Merging the follows of this cache with those on the account, on every connect.

The account is the truth (Movim's PEP follow lists, read by every client); the cache is a
copy that may hold changes the account has not seen yet. A three-way merge tells them
apart: the base is the account's lists as this cache last read or wrote them, so a
follow missing on the account was either made here since (write it) or removed elsewhere
(drop it here), and one missing here was either unfollowed here (erase it) or made
elsewhere (follow it here). Each follow carries whether it is public.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xmppsocial.model import NodeRef


@dataclass
class FollowPlan:
    """What to do so that the account and the cache agree.

    ``wanted`` is every follow after the merge (node to public flag), what the account's
    lists must hold; ``follow_here``/``unfollow_here`` are the changes to the cache;
    ``verify`` lists follows of unknown owner (from a cache several accounts shared) that
    stay only if the account has a live subscription to them.
    """

    wanted: dict[NodeRef, bool] = field(default_factory=dict)
    follow_here: dict[NodeRef, bool] = field(default_factory=dict)
    unfollow_here: list[NodeRef] = field(default_factory=list)
    verify: dict[NodeRef, bool] = field(default_factory=dict)


def plan(account: dict[NodeRef, bool], here: dict[NodeRef, bool], base: dict[NodeRef, bool],
         unverified: set[NodeRef] = frozenset()) -> FollowPlan:  # type: ignore[assignment]
    """Merge the account's follows, this cache's and the last common state (each: node to
    public flag)."""
    out = FollowPlan()
    for node in sorted({*account, *here, *base}, key=lambda n: (n.service, n.node)):
        on_account, is_here, was = node in account, node in here, node in base
        if on_account and is_here:
            public = _public(account[node], here[node], base.get(node))
            out.wanted[node] = public
            if public != here[node] or node in unverified:
                out.follow_here[node] = public
        elif on_account:
            if was:
                continue  # unfollowed here since: the account's copy goes
            out.wanted[node] = account[node]
            out.follow_here[node] = account[node]
        elif is_here:
            if node in unverified:
                out.verify[node] = here[node]
            elif was:
                out.unfollow_here.append(node)  # removed from the account elsewhere
            else:
                out.wanted[node] = here[node]  # followed here since: the account learns it
    return out


def _public(on_account: bool, here: bool, was: bool | None) -> bool:
    """Whether a follow both sides hold is public: a change made here since the last sync
    wins over an account that did not change; otherwise the account says."""
    if was is not None and here != was and on_account == was:
        return here
    return on_account
