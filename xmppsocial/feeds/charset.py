"""Reading a web feed's bytes as the characters its author wrote, or saying why not.

feedparser decodes with what the document declares (the HTTP charset, the XML
declaration, a byte-order mark; UTF-8 when nothing is declared). When that fails it
guesses: with a detector installed (chardet, which feedparser calls itself) the guess is
a real detection, without one it is windows-1252, which turns Cyrillic, Greek or CJK
into mojibake. So, when feedparser had to guess:

- a document that is UTF-8 but for a few broken bytes is read as UTF-8, the broken bytes
  shown as U+FFFD (a detector would otherwise pick some 8-bit encoding for the whole);
- otherwise chardet's detection is used, and the import says which encoding it read;
- with no detector, the import is refused with a message naming the problem.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import Any

import feedparser
from feedparser.encodings import CharacterEncodingOverride, CharacterEncodingUnknown

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
MOSTLY = 10  # valid non-ASCII characters needed per broken byte to call a document UTF-8


class EncodingError(ValueError):
    """The feed's characters cannot be told; the message names the problem."""


def declared(data: bytes, headers: Mapping[str, str]) -> list[str]:
    """The encodings the document and its response declare, UTF-8 (XML's default) if none."""
    found = []
    charset = _CHARSET.search(headers.get("content-type", ""))
    if charset:
        found.append(charset.group(1))
    for bom, name in _BOMS:
        if data.startswith(bom):
            found.append(name)
            break
    xml = _XML_ENCODING.match(data[:1024])
    if xml:
        found.append(xml.group(1).decode("ascii"))
    return found or ["utf-8"]


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def detector_available() -> bool:
    """Whether feedparser found a charset detector to call when it has to guess."""
    return getattr(feedparser.encodings, "lazy_chardet_encoding", None) is not None


def parse(data: bytes, headers: Mapping[str, str]) -> tuple[Any, list[str]]:
    """feedparser's reading of ``data`` and notes for the user about its encoding.

    Raises:
        EncodingError: the encoding had to be guessed and there is nothing to guess with.
    """
    parsed = feedparser.parse(data, response_headers=dict(headers))
    problem = parsed.get("bozo_exception")
    if not isinstance(problem, CharacterEncodingOverride | CharacterEncodingUnknown):
        return parsed, []
    claims = declared(data, headers)
    used = parsed.get("encoding") or ""
    if used and _codec(used) in {_codec(c) for c in claims}:
        return parsed, []  # one declaration overrode another (RFC 3023's rules): no guess
    said = " / ".join(dict.fromkeys(claims))
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if broken == 0 or len(_NON_ASCII.findall(text)) - broken >= MOSTLY * broken:
        fixed = {**headers, "content-type": "application/xml; charset=utf-8"}
        parsed = feedparser.parse(text.encode(), response_headers=fixed)
        notes = [f"{broken:,} byte{'s' if broken != 1 else ''} of it {'are' if broken != 1 else 'is'}"
                 f" not valid UTF-8 (it declares {said}); shown as \ufffd"] if broken else []
        return parsed, notes
    if isinstance(problem, CharacterEncodingUnknown) or not detector_available():
        raise EncodingError(
            f"its text is not in the encoding it declares ({said}), and its real encoding "
            "cannot be told (no charset detector is installed: pip install chardet); "
            "convert it to UTF-8 and import it again")
    return parsed, [f"its text is not in the encoding it declares ({said}); "
                    f"read as {used}, the encoding detected"]
