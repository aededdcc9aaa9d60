"""The three-way merge of follows between the cache and the account."""

from __future__ import annotations

from xmppsocial.follow_merge import plan
from xmppsocial.model import NodeRef

A, B, C = NodeRef("alice@example.org"), NodeRef("bob@example.org"), NodeRef("carol@x.org")
COMMUNITY = NodeRef("pubsub.example.org", "Movim")


def test_a_fresh_cache_takes_every_follow_from_the_account() -> None:
    result = plan(account={A: False, COMMUNITY: True}, here={}, base={})
    assert result.follow_here == {A: False, COMMUNITY: True}
    assert result.wanted == {A: False, COMMUNITY: True}
    assert result.unfollow_here == []


def test_a_follow_made_here_and_never_written_is_written() -> None:
    # e.g. a follow made by a release that kept follows only in the cache
    result = plan(account={}, here={A: False}, base={})
    assert result.wanted == {A: False} and result.follow_here == {}


def test_a_follow_removed_elsewhere_is_dropped_here() -> None:
    result = plan(account={}, here={A: False}, base={A: False})
    assert result.unfollow_here == [A] and result.wanted == {}


def test_an_unfollow_made_here_erases_the_account_copy() -> None:
    result = plan(account={A: False}, here={}, base={A: False})
    assert result.wanted == {} and result.follow_here == {}


def test_a_follow_gone_from_both_sides_is_just_forgotten() -> None:
    result = plan(account={}, here={}, base={A: True})
    assert (result.wanted, result.follow_here, result.unfollow_here) == ({}, {}, [])


def test_public_flag_a_change_here_wins_over_an_unchanged_account() -> None:
    assert plan(account={A: False}, here={A: True}, base={A: False}).wanted == {A: True}
    # the account changed it: the account says, and the cache follows
    result = plan(account={A: True}, here={A: False}, base={A: False})
    assert result.wanted == {A: True} and result.follow_here == {A: True}
    # never synced: the account says
    assert plan(account={A: True}, here={A: False}, base={}).wanted == {A: True}


def test_unverified_follows_stay_only_if_the_account_has_them_or_a_subscription() -> None:
    result = plan(account={A: False}, here={A: False, B: False}, base={}, unverified={A, B})
    assert result.follow_here == {A: False}  # listed on the account: verified
    assert result.verify == {B: False}  # to be decided by the live subscription
    assert B not in result.wanted


def test_everything_at_once() -> None:
    result = plan(account={A: False, C: True}, here={A: False, B: True}, base={A: False, C: True})
    # A held everywhere, B new here, C unfollowed here
    assert result.wanted == {A: False, B: True}
    assert result.follow_here == {} and result.unfollow_here == []
