"""Making untrusted text safe to put on a terminal.

Everything a post carries was written by a stranger. Before any of it is
drawn, escape sequences (CSI, OSC, DCS and friends), C0/C1 control
characters, bidirectional overrides and invisible characters are removed,
so that a post can neither drive the terminal (set its title, write to the
clipboard, fake a hyperlink) nor disguise what it says.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# ESC-introduced sequences first (so their parameters go too), then lone controls. A string
# control (OSC, DCS, SOS, PM, APC) is a sequence only with its terminator, on the same line
# and within STRING_PAYLOAD characters: a stray one (a badly encoded byte, say) is removed
# alone and the text after it stays.
STRING_PAYLOAD = 512
_STRING_END = rf"[^\x07\x1b\x9c\n\r]{{0,{STRING_PAYLOAD}}}(?:\x07|\x1b\\|\x9c)"
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"           # CSI
    r"|\x1b[\]PX^_]" + _STRING_END +       # OSC, DCS, SOS, PM, APC with their terminator
    r"|\x1b[@-Z\\-_]"                    # other two-byte escapes (and lone introducers)
    r"|\x9b[0-?]*[ -/]*[@-~]"            # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f]" + _STRING_END,  # 8-bit string controls, terminated
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates and marks: they can reorder what a reader sees.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Invisible characters that make two names look alike (Hangul fillers and Unicode tag
# characters included: they are how "blank" names and hidden text are made).
_INVISIBLE = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e\u034f\u115f\u1160"
                        "\u3164\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]")
# Line and paragraph separators: some terminals move the cursor on them.
_SEPARATORS = re.compile("[\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# One search to let clean text through untouched (most text is clean).
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\r\u202a-\u202e\u2066-\u2069"
                         "\u200e\u200f\u061c\u2028\u2029]")

ELLIPSIS = "…"
MAX_TEXT = 200_000        # characters of one field kept; the rest is cut with a visible note
MAX_TREE_DEPTH = 400      # deeper XML is cut before anything recursive can see it
MAX_TREE_ELEMENTS = 50_000
MAX_TREE_CHARS = 500_000  # text of a whole entry
MAX_ATTRIBUTE = 8_192


def clean_text(text: str) -> str:
    """Multi-line text with escapes, controls and bidi overrides removed (\\n and \\t kept)."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", _SEPARATORS.sub("\n", text))
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


def cut_note(count: int) -> str:
    """The visible marker left where content was cut."""
    return f"{ELLIPSIS} [cut: {count:,} more characters]"


def cut_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` up to ``limit`` characters, then a note saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + "\n" + cut_note(len(text) - limit)


def _tree_is_small(root: ET.Element) -> bool:
    elements = chars = 0
    for element in root.iter():  # C iteration, no recursion: cheap enough to do every time
        elements += 1
        chars += len(element.text or "") + len(element.tail or "")
        if element.attrib and max(map(len, element.attrib.values())) > MAX_ATTRIBUTE:
            return False
    if elements > MAX_TREE_ELEMENTS or chars > MAX_TREE_CHARS:
        return False
    if elements < MAX_TREE_DEPTH:
        return True  # too few elements to be too deep
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth >= MAX_TREE_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in element)
    return True


def bound_tree(root: ET.Element) -> ET.Element:
    """``root`` itself when it is of sane size, else a copy cut to the limits with notes.

    Walks iteratively, so a 10,000-deep tree costs time, not the stack; what
    comes out is shallow enough for ElementTree's recursive serialiser.
    """
    if _tree_is_small(root):
        return root
    budget = [MAX_TREE_CHARS]

    def take(text: str | None) -> str | None:
        if not text or len(text) <= budget[0]:
            budget[0] -= len(text or "")
            return text
        kept, budget[0] = text[:budget[0]], 0
        return kept + "\n" + cut_note(len(text) - len(kept))

    def attrs(element: ET.Element) -> dict[str, str]:
        return {k: v[:MAX_ATTRIBUTE] for k, v in element.attrib.items()}

    copy = ET.Element(root.tag, attrs(root))
    copy.text = take(root.text)
    elements, pairs = 1, [(root, copy, 0)]
    while pairs:
        original, clone, depth = pairs.pop()
        children = []
        for child in original:
            if depth + 1 >= MAX_TREE_DEPTH or elements >= MAX_TREE_ELEMENTS or not budget[0]:
                note = f" {ELLIPSIS} [cut: too deep or too long]"
                if len(clone):
                    clone[-1].tail = (clone[-1].tail or "") + note
                else:
                    clone.text = (clone.text or "") + note
                break
            sub = ET.SubElement(clone, child.tag, attrs(child))
            sub.text, sub.tail = take(child.text), take(child.tail)
            elements += 1
            children.append((child, sub, depth + 1))
        pairs.extend(reversed(children))
    return copy
