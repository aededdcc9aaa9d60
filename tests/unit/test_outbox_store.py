"""The outbox in the store: pending and failed items, retry, discard, back to a draft."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from xmppsocial.content.compose import comment, edited, new_post
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.model import NodeRef, PostRef
from xmppsocial.store import Store
from xmppsocial.xmpp.outbox import draft_key_for, reply_key

ALICE = "alice@example.org"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "cache.sqlite3")
    yield s
    s.close()


def entry(post) -> str:
    return ET.tostring(build_entry(post), encoding="unicode")


def test_a_failed_item_leaves_the_sending_order_but_stays_visible(store) -> None:
    first = store.enqueue("publish", NodeRef(ALICE), "poison-0001", "<entry>big</entry>",
                          options={"draft": "new"})
    second = store.enqueue("retract", NodeRef(ALICE), "gone-000001")
    store.mark_failed(first, "the post is too big for this server (2.1 MB)")
    assert [i.id for i in store.pending()] == [second]  # never blocks the one behind
    (failed, waiting) = store.outbox()
    assert (failed.state, failed.failed, failed.last_error, failed.attempts) == (
        "failed", True, "the post is too big for this server (2.1 MB)", 1)
    assert failed.options == {"draft": "new"} and waiting.state == "pending"
    assert store.retry(first) and [i.id for i in store.pending()] == [first, second]
    assert store.outbox_item(first).attempts == 0
    assert store.discard(first) and store.outbox_item(first) is None
    assert not store.retry(first) and not store.discard(first)


def test_queueing_an_item_again_makes_it_pending_with_the_new_payload(store) -> None:
    box = store.enqueue("publish", NodeRef(ALICE), "item-000001", "<entry>1</entry>")
    store.mark_failed(box, "refused")
    assert store.enqueue("publish", NodeRef(ALICE), "item-000001", "<entry>2</entry>",
                         options={"access": "open"}) == box
    (item,) = store.pending()
    assert (item.payload, item.access, item.last_error) == ("<entry>2</entry>", "open", None)


def test_items_of_older_releases_keep_their_audience(store) -> None:
    store.enqueue("publish:open", NodeRef(ALICE), "old-000001", "<entry/>")
    (item,) = store.pending()
    assert (item.action, item.access, item.options) == ("publish", "open", {})


def test_an_item_goes_back_to_its_draft_key_and_never_over_another_text(store) -> None:
    post = new_post(service=ALICE, author_name="alice", markdown="*Queued* words",
                    title="Kept", tags=("x",))
    box = store.enqueue("publish", NodeRef(ALICE), post.item_id, entry(post),
                        options={"draft": draft_key_for(post), "access": "open"})
    store.save_draft("new", body="another text, being written")
    with pytest.raises(ValueError, match="already kept under 'new'"):
        store.outbox_to_draft(box)
    assert store.outbox_item(box) is not None  # nothing lost
    store.delete_draft("new")
    assert store.outbox_to_draft(box) == "new"
    draft = store.draft("new")
    assert (draft.title, draft.body, draft.tags, draft.audience) == (
        "Kept", "*Queued* words", ("x",), "open")
    assert store.outbox() == []
    retract = store.enqueue("retract", NodeRef(ALICE), "some-item-1")
    with pytest.raises(ValueError, match="no text to edit"):
        store.outbox_to_draft(retract)


def test_draft_keys_are_the_composers() -> None:
    post = new_post(service=ALICE, author_name="alice", markdown="hello")
    assert draft_key_for(post) == "new"
    assert draft_key_for(edited(post, markdown="again")) == f"edit:{post.item_id}"
    parent = new_post(service=ALICE, author_name="alice", markdown="parent",
                      comments=NodeRef(ALICE, "urn:xmpp:microblog:0:comments/x"))
    note = comment(parent, service="bob@example.org", author_name="bob", markdown="hi")
    assert reply_key(parent.ref) == f"reply:{ALICE}:urn:xmpp:microblog:0:{parent.item_id}"
    assert draft_key_for(note, parent.ref) == reply_key(parent.ref)
    reply = new_post(service="bob@example.org", author_name="bob", markdown="re",
                     in_reply_to=parent)
    assert draft_key_for(reply) == reply_key(PostRef(ALICE, parent.node, parent.item_id))
