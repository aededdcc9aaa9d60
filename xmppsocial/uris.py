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

ITEM_ID_RE = re.compile(r"^[A-Za-z0-9._~-]{6,128}$")
# Characters kept as-is in a node or item value; ';', '=', '?', '#', '/' and ':' are encoded.
_SAFE = "-._~@"


def pubsub_uri(service: str, node: str, item: str | None = None) -> str:
    """``xmpp:SERVICE?;node=NODE[;item=ITEM]``, node then item, values percent-encoded."""
    uri = f"xmpp:{quote(service, safe='@/')}?;node={quote(node, safe=_SAFE)}"
    if item is not None:
        uri += f";item={quote(item, safe=_SAFE)}"
    return uri


def post_uri(ref: PostRef) -> str:
    return pubsub_uri(ref.service, ref.node, ref.item)


def parse_pubsub_uri(uri: str) -> tuple[str, str | None, str | None] | None:
    """(service, node, item) of an xmpp: URI, or None if it is not one.

    Accepts a missing or extra action (``?pubsub;action=subscribe;node=…``),
    ``&`` as a separator and raw or encoded values.
    """
    uri = uri.strip()
    if not uri.lower().startswith("xmpp:"):
        return None
    rest = uri[5:].lstrip("/")
    service, _, query = rest.partition("?")
    service = unquote(service)
    if not service or any(c.isspace() for c in service):
        return None
    node = item = None
    for part in re.split(r"[;&]", query):
        key, sep, value = part.partition("=")
        if not sep:
            continue
        if key == "node":
            node = unquote(value)
        elif key == "item":
            item = unquote(value)
    return service, node, item


def parse_post_uri(uri: str) -> PostRef | None:
    parsed = parse_pubsub_uri(uri)
    if parsed is None or parsed[1] is None or parsed[2] is None:
        return None
    return PostRef(parsed[0], parsed[1], parsed[2])


def parse_node_uri(uri: str) -> NodeRef | None:
    parsed = parse_pubsub_uri(uri)
    if parsed is None or parsed[1] is None:
        return None
    return NodeRef(parsed[0], parsed[1])


def is_valid_item_id(item_id: str) -> bool:
    """6–128 characters from [A-Za-z0-9._~-]: what Movim accepts and URIs carry safely."""
    return bool(ITEM_ID_RE.match(item_id))


def slugify(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def new_item_id(title: str = "") -> str:
    """A readable, unguessable item id: a slug of the title plus random characters."""
    suffix = secrets.token_urlsafe(6).replace("_", "~")
    slug = slugify(title)
    return f"{slug}-{suffix}" if slug else f"post-{suffix}"
