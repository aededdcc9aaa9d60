"""The reading model: how a person reads timelines, without Textual.

- rows.py      a row is a post or a mark (older posts not loaded, loading, end of a blog)
- marks.py     where each blog's marks go in a view (frontiers and holes from the store)
- source.py    posts and marks merged into one keyset-paged sequence
- window.py    rows by position over that sequence, a few pages in memory
- reader.py    one view: scope, cursor, what is in view, anchoring, new posts, paging asks
- read_marks.py  when a post becomes read (shown a second, Enter, u, mark all, undo)
- paging.py    what reaching a mark fetches (older page, hole, first page, walk)
- links.py     the web links a post offers (Atom links, enclosures, links in its body)

The TUI (xmppsocial.ui) draws these and turns keys into calls; the rules live
here, with unit tests that run in milliseconds.
"""
