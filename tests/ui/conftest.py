"""A cache full of posts, a fake service and a fixed clock, for pilot and snapshot tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.ui.fake_service import FakeService
from tests.unit.store_factory import comment_on, like_on, make_post
from xmppsocial.config import Preferences
from xmppsocial.model import NodeRef
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp

ME, BOB, CAROL = "me@example.org", "bob@example.org", "carol@example.org"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def fill(store: Store, count: int = 30) -> None:
    store.set_feed(NodeRef(ME), own=True, access_model="open")
    store.set_feed(NodeRef(BOB), followed=True, title="Bob's garden", access_model="open")
    posts = [make_post(BOB if n % 3 else ME, f"post-{n:05d}", minutes=n * 10,
                       title=f"Post number {n}", text=f"Body of post {n} about #garden",
                       tags=("garden",) if n % 2 else ()) for n in range(count)]
    first = posts[-1]
    store.upsert_posts(posts + [comment_on(first, "c-00001", CAROL, "Nice garden!", 1),
                                like_on(first, "l-00001", CAROL)])


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "ui.sqlite3")
    fill(s)
    yield s
    s.close()


@pytest.fixture
def app_with_fake(store):
    holder: dict[str, FakeService] = {}

    def factory(sink):
        holder["service"] = FakeService(ME, sink)
        return holder["service"]

    # Read on Enter only: what a test sees must not depend on how long the machine took.
    app = XmppSocialApp(store, service_factory=factory, account=ME, clock=lambda: NOW,
                        preferences=Preferences(mark_read="enter"))
    return app, holder
