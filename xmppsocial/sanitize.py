"""Making untrusted text safe to put on a terminal.

Everything a post carries was written by a stranger. Before any of it is
drawn, escape sequences (CSI, OSC, DCS and friends), C0/C1 control
characters, bidirectional overrides and invisible characters are removed,
so that a post can neither drive the terminal (set its title, write to the
clipboard, fake a hyperlink) nor disguise what it says.
"""

from __future__ import annotations

import re

# ESC-introduced sequences first (so their parameters go too), then lone controls.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)"  # OSC, DCS, SOS, PM, APC up to their terminator
    r"|\x1b[@-Z\\-_]"                   # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"           # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)",  # 8-bit string controls
    re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates and marks: they can reorder what a reader sees.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Invisible characters that make two names look alike.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e\u034f]")
_SPACES = re.compile(r"\s+")
# One search to let clean text through untouched (most text is clean).
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\r\u202a-\u202e\u2066-\u2069"
                         "\u200e\u200f\u061c]")

ELLIPSIS = "…"


def clean_text(text: str) -> str:
    """Multi-line text with escapes, controls and bidi overrides removed (\\n and \\t kept)."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    return _BIDI.sub("", text)


def clean_line(text: str, limit: int | None = None) -> str:
    """One line: also without invisible characters, whitespace runs folded, cut at ``limit``."""
    line = _SPACES.sub(" ", _INVISIBLE.sub("", clean_text(text))).strip()
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return line


def clean_name(text: str, limit: int = 64) -> str:
    """A person's or blog's name, as shown beside their posts."""
    return clean_line(text, limit)


def is_safe(text: str) -> bool:
    """True when nothing in ``text`` could be interpreted by a terminal."""
    return not (_CONTROLS.search(text.replace("\n", "").replace("\t", ""))
                or _BIDI.search(text))
