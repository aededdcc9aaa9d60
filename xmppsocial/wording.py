"""Connection and setup failures in a person's words: one line, what happened, what to do.

Used by the network layer (the reasons it reports) and the command line (its checks
before connecting); pure, so that ``xmppsocial --help`` and the checks stay cheap.
"""

from __future__ import annotations

import errno
import socket
import ssl
from pathlib import Path

TLS_FIX = ("if you trust this server, pass --ca-file with its certificate (ca_file in "
           "config.toml), or turn checks off for this account with verify_tls = false")


def ca_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot serve as a trusted certificate, or None when it can."""
    if not path.is_file():
        return f"{path}: no such file"
    try:
        ssl.create_default_context().load_verify_locations(cafile=str(path))
    except ssl.SSLError as exc:
        return (f"{path}: not a certificate in PEM form ({exc.reason or exc}); expected a file "
                "starting with -----BEGIN CERTIFICATE-----")
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    return None


def unreachable(address: str, error: object) -> str:
    """Why a TCP connection to ``address`` could not be made."""
    if isinstance(error, str):
        return f"cannot reach {address}: {error}"
    if isinstance(error, socket.gaierror):
        return f"cannot find {address} (no such host name); check the JID or --server"
    if isinstance(error, ConnectionRefusedError) or getattr(error, "errno", None) == \
            errno.ECONNREFUSED:
        return f"nothing answers at {address} (connection refused): is the server running?"
    if isinstance(error, TimeoutError):
        return f"no answer from {address} (timed out)"
    if isinstance(error, OSError):
        return f"cannot reach {address}: {(error.strerror or str(error)).lower()}"
    return f"cannot reach {address}: {error}"


def certificate(domain: str, address: str, error: object) -> str:
    """A certificate that failed verification: whose, why, and the fix."""
    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) \
        or str(error)
    return (f"the certificate of {domain} (at {address}) is not trusted: {reason}; "
            f"{TLS_FIX}")


def no_encryption(address: str) -> str:
    return (f"{address} offers no encryption (STARTTLS), so the password was not sent: "
            "use a server or port that offers TLS")


def stream_refused(address: str, domain: str, condition: str, text: str) -> str:
    """The server ended the stream while we logged in."""
    if condition == "host-unknown":
        return (f"{address} does not serve {domain} (host-unknown): check the JID's domain "
                "or --server")
    said = f": {text}" if text else ""
    return f"{address} ended the connection ({condition}{said})"


def not_verified(jid: str) -> str:
    return (f"warning: the server certificate is NOT verified for {jid} (--no-verify-tls or "
            "verify_tls = false): a server impersonating it would not be noticed")
