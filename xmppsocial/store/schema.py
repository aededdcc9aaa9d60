"""The cache's schema, as forward migrations: MIGRATIONS[n] takes version n to n + 1.

Released versions are never edited; a change is a new migration, and the
tests migrate a database made by every earlier version. History:

1. posts (parsed columns and the raw entry), tags, feeds;
2. drafts, outbox, attachment likes, the FTS5 index over posts;
3. indexes that keep search pages and finding a comment's post fast at 100,000 posts;
4. an index for counting unread posts per feed;
5. the social graph: follows as the account holds them, followers, contacts' public follow
   lists, stored notifications;
6. how far back each feed's history has been read (its frontier, the cursor past it, whether
   nothing is older) and the holes left in it when catching up stopped short;
7. outbox states: an item that keeps failing is marked failed (with its reason) instead
   of blocking the items behind it, and its options (audience, draft key, comments
   node to make) ride along.
"""

from __future__ import annotations

V1 = """
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    item_id TEXT NOT NULL,
    sort_ts REAL NOT NULL,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    preview TEXT NOT NULL,
    body TEXT NOT NULL,
    body_type TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_jid TEXT,
    author_verified INTEGER NOT NULL,
    publisher TEXT,
    atom_id TEXT NOT NULL,
    tags TEXT NOT NULL,
    comments_service TEXT,
    comments_node TEXT,
    reply_service TEXT,
    reply_node TEXT,
    reply_item TEXT,
    is_comment INTEGER NOT NULL,
    is_like INTEGER NOT NULL,
    is_read INTEGER NOT NULL DEFAULT 0,
    retracted INTEGER NOT NULL DEFAULT 0,
    raw TEXT NOT NULL,
    digest TEXT NOT NULL,
    received REAL NOT NULL,
    UNIQUE (service, node, item_id)
);
CREATE INDEX posts_by_time ON posts (sort_ts, id) WHERE is_comment = 0 AND retracted = 0;
CREATE INDEX posts_by_node ON posts (service, node, sort_ts, id);
CREATE INDEX posts_visible_by_node ON posts (service, node, sort_ts, id)
    WHERE is_comment = 0 AND retracted = 0;
CREATE INDEX posts_by_reply ON posts (reply_service, reply_node, reply_item);
CREATE INDEX posts_unread ON posts (sort_ts, id)
    WHERE is_read = 0 AND is_comment = 0 AND retracted = 0;

CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, post_id)
) WITHOUT ROWID;

CREATE TABLE feeds (
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    access_model TEXT NOT NULL DEFAULT '',
    followed INTEGER NOT NULL DEFAULT 0,
    own INTEGER NOT NULL DEFAULT 0,
    cursor TEXT,
    PRIMARY KEY (service, node)
);
"""

V2 = """
CREATE TABLE drafts (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    saved REAL NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    item_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    UNIQUE (kind, service, node, item_id)
);

CREATE TABLE attachment_likes (
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    item_id TEXT NOT NULL,
    jid TEXT NOT NULL,
    PRIMARY KEY (service, node, item_id, jid)
) WITHOUT ROWID;

-- External content: the text lives once, in posts; triggers keep the index in step.
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    title, text, author_name, author_jid, tags,
    content='posts', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, text, author_name, author_jid, tags)
    VALUES (new.id, new.title, new.text, new.author_name, new.author_jid, new.tags);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, text, author_name, author_jid, tags)
    VALUES ('delete', old.id, old.title, old.text, old.author_name, old.author_jid, old.tags);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, text, author_name, author_jid, tags
ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, text, author_name, author_jid, tags)
    VALUES ('delete', old.id, old.title, old.text, old.author_name, old.author_jid, old.tags);
    INSERT INTO posts_fts (rowid, title, text, author_name, author_jid, tags)
    VALUES (new.id, new.title, new.text, new.author_name, new.author_jid, new.tags);
END;
"""

# Search pages: matches are ordered by time through an index holding only (id, sort_ts), never
# by reading the wide post rows; very common words walk the time index instead. `retracted`
# is repeated as a column so that SQLite 3.40 sees these indexes as covering.
V3 = """
CREATE INDEX posts_live_by_id ON posts (id, sort_ts, retracted) WHERE retracted = 0;
CREATE INDEX posts_live_by_time ON posts (sort_ts, id, retracted) WHERE retracted = 0;
CREATE INDEX posts_by_comments_node ON posts (comments_service, comments_node)
    WHERE comments_node IS NOT NULL;
"""

# The unread count in the status line, per followed feed instead of over every unread post.
V4 = """
CREATE INDEX posts_unread_by_node ON posts (service, node)
    WHERE is_read = 0 AND is_comment = 0 AND retracted = 0;
"""

# The social graph (#14). Follows roam on the account (Movim's PEP lists); the cache keeps
# the lists as last read from or written to the account (account_follows), which is the base
# of a three-way merge with the local follows and the account's current lists on connect.
V5 = """
ALTER TABLE feeds ADD COLUMN follow_public INTEGER NOT NULL DEFAULT 0;
-- A follow copied from a cache shared by several accounts: whose it is is unknown until the
-- account's live subscriptions are checked.
ALTER TABLE feeds ADD COLUMN follow_unverified INTEGER NOT NULL DEFAULT 0;

CREATE TABLE account_follows (
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service, node)
) WITHOUT ROWID;

-- Who follows a node we own, and how we know: 'subscription' (the server listed it) or
-- 'public-list' (the follower's own public follow list says so).
CREATE TABLE followers (
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    jid TEXT NOT NULL,
    source TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    gone INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service, node, jid, source)
) WITHOUT ROWID;

-- Contacts' public follow lists (urn:xmpp:pubsub:subscription), item by item.
CREATE TABLE public_follows (
    owner TEXT NOT NULL,
    item_id TEXT NOT NULL,
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    seen REAL NOT NULL,
    PRIMARY KEY (owner, item_id)
) WITHOUT ROWID;
CREATE INDEX public_follows_by_node ON public_follows (service, node);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    about_service TEXT,
    about_node TEXT,
    about_item TEXT,
    target_service TEXT,
    target_node TEXT,
    target_item TEXT,
    target_title TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    is_read INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_by_time ON notifications (created, id);
CREATE INDEX notifications_unread ON notifications (created, id) WHERE is_read = 0;

-- Small facts about the account's graph: when watching for activity began, what was said once.
CREATE TABLE graph_marks (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

# Paging state. A feed's frontier is the oldest post of the run read from its newest post down:
# the history above it has no gap, below it is unknown until `frontier_cursor` is followed,
# unless `history_end` says the server has nothing older. A hole is a gap inside the run left
# by a catch-up that stopped at its bound: it lies just below `above_item`.
V6 = """
ALTER TABLE feeds ADD COLUMN frontier_item TEXT;
ALTER TABLE feeds ADD COLUMN frontier_cursor TEXT;
ALTER TABLE feeds ADD COLUMN history_end INTEGER NOT NULL DEFAULT 0;
CREATE TABLE holes (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    above_item TEXT NOT NULL,
    cursor TEXT NOT NULL,
    missing INTEGER,
    created REAL NOT NULL
);
CREATE INDEX holes_by_feed ON holes (service, node);
"""

# Outbox items that will not go by themselves stay, visible, until retried or discarded.
V7 = """
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE outbox ADD COLUMN failed_at REAL;
"""

MIGRATIONS = [V1, V2, V3, V4, V5, V6, V7]
VERSION = len(MIGRATIONS)
