"""The faithful corpus: the files here, plus what is too big to keep as a file."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTRIES = HERE / "entries"
FEEDS = HERE / "feeds"


def huge_feed(megabytes: int = 5) -> bytes:
    """An Atom feed whose first entry's body is ``megabytes`` MB of text, and a small one."""
    body = ("All work and no play makes Jack a dull boy. " * 120_000)[: megabytes * 1_000_000]
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Big</title><id>tag:big.example,2026:feed</id>"
            f"<updated>2026-10-01T00:00:00Z</updated><author><name>Jack</name></author>"
            f"<entry><title>A five megabyte entry</title><id>tag:big.example,2026:huge</id>"
            f"<updated>2026-10-01T00:00:00Z</updated><content type='text'>All work and no "
            f"play. {body}</content></entry>"
            f"<entry><title>Small</title><id>tag:big.example,2026:small</id>"
            f"<updated>2026-10-02T00:00:00Z</updated>"
            f"<content type='text'>A normal entry beside it.</content></entry></feed>").encode()
