"""Likes are kept as what was published: an XEP-0470 like is no "♥" comment, and back.
A repeat is no reply."""

from __future__ import annotations

import pytest

from tests.unit.store_factory import like_on, make_post
from xmppsocial.content.compose import like_comment, repeat
from xmppsocial.model import NodeRef
from xmppsocial.store import Scope, Store
from xmppsocial.store.likes import LikeState, like_state, record_like, record_unlike

ME, BOB, CAROL = "me@example.org", "bob@example.org", "carol@example.org"


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def test_an_attachment_like_is_counted_and_leaves_no_heart_comment(store) -> None:
    post = make_post(BOB, "liked-00001")
    store.upsert_posts([post])
    record_like(store, post, ME, "attachment")
    assert like_state(store, post, ME) == LikeState(1, True)
    assert store.thread(post) == [] and store.posts_count() == 1  # no phantom "♥"
    (entry,) = store.timeline(Scope.blog(NodeRef(BOB))).newest(5)
    assert entry.likes == 1


def test_a_heart_like_is_the_comment_that_was_sent(store) -> None:
    post = make_post(BOB, "liked-00002")
    heart = like_comment(post, service=ME, author_name="me")
    store.upsert_posts([post])
    record_like(store, post, ME, "comment", heart)
    assert like_state(store, post, ME) == LikeState(1, True)
    assert store.get_post(heart.ref) is not None
    with pytest.raises(ValueError):
        record_like(store, post, ME, "comment")


def test_others_likes_do_not_make_it_mine_and_count_once(store) -> None:
    post = make_post(BOB, "liked-00003")
    store.upsert_posts([post, like_on(post, "l-0000001", CAROL)])
    store.set_attachment_likes(post.ref, [CAROL])
    assert like_state(store, post, ME) == LikeState(1, False)


def test_unlike_forgets_both_forms(store) -> None:
    post = make_post(BOB, "liked-00004")
    heart = like_comment(post, service=ME, author_name="me")
    store.upsert_posts([post])
    record_like(store, post, ME, "attachment")
    record_like(store, post, ME, "comment", heart)
    store.set_attachment_likes(post.ref, [ME, CAROL])
    record_unlike(store, post, ME, [post.ref, heart.ref])
    assert like_state(store, post, ME) == LikeState(1, False)
    assert store.get_post(heart.ref) is None


def test_unlike_of_a_heart_only_keeps_the_attachment_like(store) -> None:
    post = make_post(BOB, "liked-00005")
    heart = like_comment(post, service=ME, author_name="me")
    store.upsert_posts([post])
    record_like(store, post, ME, "attachment")
    record_like(store, post, ME, "comment", heart)
    record_unlike(store, post, ME, [heart.ref])
    assert like_state(store, post, ME) == LikeState(1, True)


def test_a_repeat_is_not_a_comment_in_the_original_thread(store) -> None:
    post = make_post(BOB, "shared-0001")
    boost = repeat(post, service=ME)
    store.upsert_posts([post, boost])
    assert store.thread(post) == []
    entries = {e.key: e for e in store.timeline(Scope.blog(NodeRef(BOB))).newest(5)}
    assert entries[post.key].comments == 0
    assert store.get_post(boost.ref).is_repeat
