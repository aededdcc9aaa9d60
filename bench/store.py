"""Cache speed with 100,000 stored posts: pages, thread, next unread, search, upserts.

Each figure is printed beside a baseline measured in the same run on the
same machine: the bare SQL a minimal cache would run (a LIMIT 50 over an
indexed plain table, a bare executemany insert of the same rows).

    .venv/bin/python -m bench.store [--posts 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from tests.unit.store_factory import comment_on, like_on, make_post
from xmppsocial.model import NodeRef
from xmppsocial.store import Scope, Store
from xmppsocial.store.rows import COLUMNS, post_values

AUTHORS = [f"author{n}@example.org" for n in range(200)]
WORDS = "garden bridge coffee market river tomato evening letter music winter".split()


def timed(work, repeat: int = 20) -> float:
    """Median milliseconds of ``work()``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def posts(n: int, prefix: str = "p"):
    for i in range(n):
        author = AUTHORS[i % len(AUTHORS)]
        word = WORDS[i % len(WORDS)]
        yield make_post(author, f"{prefix}-{i:08d}", minutes=i * 0.5, title=f"{word} note {i}",
                        text=f"A post about the {word} and more words number {i}.",
                        tags=(word,), raw=f"<entry>{i}</entry>")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    n = parser.parse_args().posts
    work = Path(tempfile.mkdtemp())
    store = Store(work / "bench.sqlite3")
    for author in AUTHORS[:150]:
        store.set_feed(NodeRef(author), followed=True)
    start = time.perf_counter()
    batch = []
    for post in posts(n):
        batch.append(post)
        if len(batch) == 5000:
            store.upsert_posts(batch)
            batch = []
    store.upsert_posts(batch)
    fill = time.perf_counter() - start
    root = make_post(AUTHORS[3], "p-00000003")
    store.upsert_posts([comment_on(root, f"c-{i:04d}", AUTHORS[i], f"comment {i}", i)
                        for i in range(30)] + [like_on(root, f"l-{i:04d}", AUTHORS[i])
                                               for i in range(10)])
    # the newest 5,000 are read: next unread from the top has to skip them
    store.mark_read([make_post(AUTHORS[i % 200], f"p-{i:08d}").ref for i in range(n - 5000, n)])

    plain = sqlite3.connect(work / "plain.sqlite3")
    plain.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, sort_ts REAL, title TEXT, "
                  "text TEXT)")
    plain.execute("CREATE INDEX t ON posts (sort_ts)")
    plain.executemany("INSERT INTO posts (sort_ts, title, text) VALUES (?, ?, ?)",
                      [(p.published.timestamp(), p.title, p.text) for p in posts(n)])
    plain.commit()

    home = store.timeline()
    deep_key = home.at_offset(n // 2, 1)[0].sort_key
    top_key = home.newest(1)[0].sort_key
    figures = [
        ("timeline page of 50 (home, newest)", lambda: home.newest(50),
         lambda: plain.execute("SELECT * FROM posts ORDER BY sort_ts DESC LIMIT 50").fetchall()),
        (f"timeline page of 50 (home, {n // 2:,} deep)", lambda: home.older_than(deep_key, 50),
         lambda: plain.execute("SELECT * FROM posts WHERE sort_ts < ? ORDER BY sort_ts DESC "
                               "LIMIT 50", (deep_key[0],)).fetchall()),
        ("timeline page of 50 (one blog)",
         lambda: store.timeline(Scope.blog(NodeRef(AUTHORS[7]))).newest(50), None),
        ("timeline page of 50 (tag)", lambda: store.timeline(Scope.tagged("river")).newest(50),
         None),
        ("timeline page of 50 (unread)", lambda: store.timeline(Scope("unread")).newest(50),
         None),
        # first showing: comments re-read from their raw entries; again: from memory
        ("thread of a post (30 comments), first", lambda: (store._read.clear(),
                                                           store.thread(root)), None),
        ("thread of a post (30 comments), again", lambda: store.thread(root), None),
        ("next unread (past 5,000 read posts)", lambda: home.next_unread(top_key), None),
        (f"next unread ({n // 2:,} deep)", lambda: home.next_unread(deep_key), None),
        ("search, a word in 10% of posts", lambda: store.timeline(Scope.search("tomato")).newest(50),
         None),
        ("search, a word in every post", lambda: store.timeline(Scope.search("note")).newest(50),
         None),
        ("search, one post matches", lambda: store.timeline(Scope.search("99999")).newest(50),
         None),
        ("home count (for the scrollbar)", home.count,
         lambda: plain.execute("SELECT count(*) FROM posts").fetchone()),
        (f"unread count (status line, {n - 5000:,} unread)", store.unread_count, None),
    ]
    print(f"{n:,} posts stored in {fill:.1f} s ({n / fill:,.0f} posts/s through upsert_posts)")
    print(f"{'operation':40} {'ms':>8} {'baseline ms':>12} {'ratio':>7}")
    for label, ours, base in figures:
        ms = timed(ours)
        if base:
            bms = timed(base)
            print(f"{label:40} {ms:8.2f} {bms:12.2f} {ms / bms:6.1f}x")
        else:
            print(f"{label:40} {ms:8.2f}")

    fresh = [replace(p, item_id=f"new-{p.item_id}", raw=p.raw + " ") for p in posts(10_000, "n")]
    same = list(posts(1000))
    start = time.perf_counter()
    store.upsert_posts(fresh)
    t_new = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    result = store.upsert_posts(same)
    t_same = (time.perf_counter() - start) * 1000
    assert len(result.unchanged) == 1000
    start = time.perf_counter()
    for p in same:
        store.db.execute("SELECT digest FROM posts WHERE service = ? AND node = ? AND item_id = ?",
                         p.key).fetchone()
    t_lookup = (time.perf_counter() - start) * 1000
    rows = [post_values(p) for p in posts(10_000, "raw")]
    start = time.perf_counter()
    with store.transaction() as db:
        db.executemany(f"INSERT INTO posts ({', '.join(COLUMNS)}) VALUES "
                       f"({', '.join('?' for _ in COLUMNS)})", rows)
    t_raw = (time.perf_counter() - start) * 1000
    print(f"{'upsert 10,000 new posts in one batch':40} {t_new:8.1f} {t_raw:12.1f} "
          f"{t_new / t_raw:6.1f}x")
    print(f"{'upsert 1,000 unchanged posts':40} {t_same:8.1f} {t_lookup:12.1f} "
          f"{t_same / t_lookup:6.1f}x")
    print("baselines: a plain indexed table (pages, count); a bare executemany of the same rows "
          "into the same table (new); 1,000 bare key lookups (unchanged)")


if __name__ == "__main__":
    main()
