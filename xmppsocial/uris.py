"""``xmpp:`` URIs for PubSub nodes and items (XEP-0060 §13.22), and item ids.

Peers disagree on encoding: Libervia percent-encodes node and item, Movim
writes them raw in some links and encoded in others. Reading therefore
splits on ``;`` and ``=`` first and percent-decodes each value; writing
always encodes, which both peers decode.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from urllib.parse import quote, unquote

from xmppsocial.model import NodeRef, PostRef

ITEM_ID_RE = re.compile(r"[A-Za-z0-9._~-]{6,128}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters kept as-is in a node or item value; ';', '=', '?', '#', '/' and ':' are encoded.
_SAFE = "-._~@"


def pubsub_uri(service: str, node: str, item: str | None = None) -> str:
    """``xmpp:SERVICE?;node=NODE[;item=ITEM]``, node then item, values percent-encoded."""
    uri = f"xmpp:{quote(service, safe='@/')}?;node={quote(node, safe=_SAFE)}"
    if item is not None:
        uri += f";item={quote(item, safe=_SAFE)}"
    return uri


def post_uri(ref: PostRef) -> str:
    """The XEP-0060 §13.22 URI of an item: ``xmpp:SERVICE?;node=…;item=…``."""
    return pubsub_uri(ref.service, ref.node, ref.item)


def _split(uri: str) -> tuple[str, str] | None:
    """(JID part, query) of an ``xmpp:`` URI; the ``xmpp://account/`` authority is skipped."""
    uri = uri.strip()
    if uri[:5].lower() != "xmpp:":
        return None
    rest = uri[5:].split("#", 1)[0]
    if rest.startswith("//"):
        # RFC 5122 §2.3: the authority names the account to act as, not the target.
        _, _, rest = rest[2:].partition("/")
    target, _, query = rest.partition("?")
    return target, query


def _value(raw: str) -> str | None:
    value = unquote(raw)
    return None if _CONTROL.search(value) else value


def parse_pubsub_uri(uri: str) -> tuple[str, str | None, str | None] | None:
    """(service, node, item) of an xmpp: URI, or None if it is not one.

    Accepts a missing or extra action (``?pubsub;action=subscribe;node=…``),
    ``&`` as a separator and raw or encoded values. ``+`` stays a plus sign
    (RFC 5122 percent-encodes spaces); values with control characters are refused.
    """
    parts = _split(uri)
    if parts is None:
        return None
    service = _value(parts[0])
    if not service or any(c.isspace() for c in service):
        return None
    node = item = None
    for part in re.split(r"[;&]", parts[1]):
        key, sep, raw = part.partition("=")
        if not sep or key.strip().lower() not in ("node", "item"):
            continue
        value = _value(raw)
        if value is None:
            return None
        if key.strip().lower() == "node":
            node = value
        else:
            item = value
    return service, node, item


def bare_jid(jid: str | None) -> str | None:
    """``jid`` without its resource, lower-cased, or None if it cannot be a JID.

    A JID holds no controls, spaces, format characters (bidi overrides, zero-width
    marks) or separators (RFC 7622's PRECIS classes and IDNA exclude them all), so such a
    string is refused rather than shown as someone's address.
    """
    if not jid:
        return None
    bare = jid.split("/", 1)[0].strip().lower()
    if not bare or bare.count("@") > 1 or len(bare) > 3071 or bare.startswith("@"):
        return None
    if not (bare.isascii() and bare.isprintable() and " " not in bare) and any(
            unicodedata.category(c)[0] in "CZ" for c in bare):
        return None
    return bare


def jid_of_uri(uri: str | None) -> str | None:
    """The bare JID an ``xmpp:`` URI names (lower-cased), e.g. an Atom author's uri."""
    parts = _split(uri or "")
    if parts is None:
        return None
    return bare_jid(_value(parts[0]))


def parse_post_uri(uri: str) -> PostRef | None:
    """The item an ``xmpp:`` URI points at, or None if it names no node and item."""
    parsed = parse_pubsub_uri(uri)
    if parsed is None or parsed[1] is None or parsed[2] is None:
        return None
    return PostRef(parsed[0], parsed[1], parsed[2])


def parse_node_uri(uri: str) -> NodeRef | None:
    """The node an ``xmpp:`` URI points at, or None if it names no node."""
    parsed = parse_pubsub_uri(uri)
    if parsed is None or parsed[1] is None:
        return None
    return NodeRef(parsed[0], parsed[1])


def is_valid_item_id(item_id: str) -> bool:
    """6–128 characters from [A-Za-z0-9._~-]: what Movim accepts and URIs carry safely."""
    return ITEM_ID_RE.fullmatch(item_id) is not None


def slugify(text: str, limit: int = 48) -> str:
    """ASCII, lower-case, dash-separated words of ``text`` (for readable item ids)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def new_item_id(title: str = "") -> str:
    """A readable, unguessable item id: a slug of the title plus random characters."""
    suffix = secrets.token_urlsafe(6).replace("_", "~")
    slug = slugify(title)
    return f"{slug}-{suffix}" if slug else f"post-{suffix}"
