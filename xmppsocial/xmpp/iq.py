"""Sending raw PubSub requests and turning error replies into ServiceError.

Most requests are built with ElementTree rather than slixmpp's stanza
interfaces: the protocol details that matter here (empty RSM ``<before/>``,
publish-options forms, owner namespaces) are clearer as XML than as nested
interface assignments, and the replies are read the same way.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_OWNER = NS_PUBSUB + "#owner"
NS_EVENT = NS_PUBSUB + "#event"
NS_ERRORS = NS_PUBSUB + "#errors"
NS_RSM = "http://jabber.org/protocol/rsm"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"

DEFAULT_TIMEOUT = 30.0

# What a person should read for the conditions they can meet in practice.
PLAIN_WORDS = {
    "forbidden": "not allowed",
    "item-not-found": "no such blog or post",
    "not-authorized": "not authorised",
    "presence-subscription-required": "this blog is for contacts only",
    "closed-node": "this blog is restricted to a list of people",
    "payload-too-big": "the post is too big for this server",
    "precondition-not-met": "the blog's settings differ from the ones asked for",
    "feature-not-implemented": "this server does not support it",
    "service-unavailable": "this server does not offer it",
    "remote-server-not-found": "the other server cannot be reached",
    "not-subscribed": "not following",
    "resource-constraint": "the server refused (resource constraint)",
    "policy-violation": "the server's policy does not allow it",
    "not-acceptable": "the server does not accept it",
    "not-allowed": "not allowed",
    "bad-request": "the server did not understand the request",
    "jid-malformed": "not a valid address",
    "internal-server-error": "the server failed (internal error)",
    "timeout": "no answer from the server",
    "offline": "not connected",
    "connection-lost": "the connection was lost before the server answered",
}

# Our own conditions for a failure of the network rather than a refusal by the server.
NETWORK_CONDITIONS = ("offline", "timeout", "connection-lost")


class ServiceError(Exception):
    """A request the server refused or never answered.

    ``condition`` is the XMPP stanza error condition (or "timeout"),
    ``pubsub`` the more specific pubsub#errors child if any, ``text`` the
    server's own words.
    """

    def __init__(self, condition: str, pubsub: str | None = None, text: str = "",
                 etype: str = "", unsupported: str | None = None) -> None:
        self.condition = condition
        self.pubsub = pubsub
        self.text = text
        self.etype = etype
        self.unsupported = unsupported
        super().__init__(self.message)

    @property
    def message(self) -> str:
        words = PLAIN_WORDS.get(self.pubsub or "", "") or PLAIN_WORDS.get(self.condition, "")
        words = words or self.condition.replace("-", " ")
        if self.unsupported:
            words += f" ({self.unsupported})"
        return f"{words}: {self.text}" if self.text else words

    def has(self, name: str) -> bool:
        return name in (self.condition, self.pubsub)

    @property
    def transient(self) -> bool:
        """Worth sending again unchanged later: the network failed, or the server said
        to wait (RFC 6120 error type ``wait``). Anything else is a refusal."""
        return self.condition in NETWORK_CONDITIONS or self.etype == "wait"

    @classmethod
    def from_reply(cls, reply: ET.Element) -> ServiceError:
        error = next((e for e in reply if e.tag.endswith("}error") or e.tag == "error"), None)
        if error is None:
            return cls("undefined-condition")
        condition, pubsub, text, unsupported = "undefined-condition", None, "", None
        for child in error:
            ns, _, local = child.tag[1:].partition("}")
            if local == "text":
                text = (child.text or "").strip()
            elif ns == NS_STANZAS:
                condition = local
            elif ns == NS_ERRORS:
                pubsub = local
                unsupported = child.get("feature") if local == "unsupported" else unsupported
        return cls(condition, pubsub, text, error.get("type", ""), unsupported)


async def send(client: ClientXMPP, to: str | None, itype: str, payload: ET.Element,
               timeout: float = DEFAULT_TIMEOUT) -> ET.Element:
    """Send one IQ and return the reply's XML, or raise ServiceError.

    With a SocialClient, a request is refused at once when there is no session, ends
    as soon as the session is lost for good instead of waiting out its timeout, and a
    timeout makes the client check that the connection is still alive.
    """
    requests = getattr(client, "requests", None)
    if requests is not None:
        requests.check(payload)
    iq = client.make_iq(ito=to, itype=itype)
    iq.append(payload)
    try:
        pending = iq.send(timeout=timeout)
        reply = await (requests.wait(iq["id"], payload, pending) if requests is not None
                       else pending)
    except IqError as exc:
        raise ServiceError.from_reply(exc.iq.xml) from None
    except IqTimeout:
        if requests is not None:
            requests.timed_out()
        raise ServiceError("timeout") from None
    return reply.xml


def pubsub(namespace: str = NS_PUBSUB) -> ET.Element:
    return ET.Element(f"{{{namespace}}}pubsub")


def data_form(form_type: str, fields: dict[str, str], ftype: str = "submit") -> ET.Element:
    """A jabber:x:data form with a hidden FORM_TYPE."""
    form = ET.Element(f"{{{NS_DATA}}}x", type=ftype)
    hidden = ET.SubElement(form, f"{{{NS_DATA}}}field", var="FORM_TYPE", type="hidden")
    ET.SubElement(hidden, f"{{{NS_DATA}}}value").text = form_type
    for var, value in fields.items():
        field = ET.SubElement(form, f"{{{NS_DATA}}}field", var=var)
        ET.SubElement(field, f"{{{NS_DATA}}}value").text = value
    return form


def read_form(parent: ET.Element) -> dict[str, str]:
    """Field values of the first data form under ``parent`` (first value of each)."""
    form = parent.find(f".//{{{NS_DATA}}}x")
    values: dict[str, str] = {}
    if form is None:
        return values
    for field in form.findall(f"{{{NS_DATA}}}field"):
        value = field.find(f"{{{NS_DATA}}}value")
        if field.get("var"):
            values[field.get("var", "")] = (value.text or "") if value is not None else ""
    return values
