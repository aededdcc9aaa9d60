"""The log (private, rotating, no secrets) and the words failures are reported in."""

from __future__ import annotations

import errno
import logging
import socket
import stat

import pytest

from xmppsocial import logs, paths, wording
from xmppsocial.config import ConfigError, _parse


@pytest.fixture
def log_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    yield tmp_path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, logs.PrivateRotatingHandler)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.WARNING)
    for name in ("slixmpp", *logs.QUIET):
        logging.getLogger(name).setLevel(logging.NOTSET)
    logs._secrets.clear()


def test_the_log_is_private_and_never_holds_credentials(log_home) -> None:
    path = logs.setup()
    assert path == paths.log_dir() / "xmppsocial.log"
    logs.redact("hunter2-secret")
    log = logging.getLogger("xmppsocial.test")
    log.info("online as %s", "alice@example.org")
    log.info("password was %s", "hunter2-secret")
    log.debug("a debug line is not written at the default level")
    slix = logging.getLogger("slixmpp.xmlstream.xmlstream")
    slix.debug("SEND: <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
               "AGFsaWNlAGh1bnRlcjI=</auth>")
    text = path.read_text()
    assert "online as alice@example.org" in text and "hunter2-secret" not in text
    assert "password was [redacted]" in text and "debug line" not in text
    assert "AGFsaWNl" not in text  # slixmpp is kept to warnings by default
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_debug_adds_the_stanza_trace_with_credentials_redacted(log_home) -> None:
    path = logs.setup(debug=True)
    slix = logging.getLogger("slixmpp.xmlstream.xmlstream")
    slix.debug("SEND: <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>"
               "biwsbj1hbGljZSxyPTEyMzQ=</auth>")
    slix.debug("SEND: <iq type='set'><query xmlns='jabber:iq:register'><username>a</username>"
               "<password>s3cret-pass</password></query></iq>")
    slix.debug("RECV: <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdz</response>")
    text = path.read_text()
    assert "SEND: <auth" in text and "mechanism='SCRAM-SHA-1'>[redacted]</auth>" in text
    assert "biwsbj1h" not in text and "s3cret-pass" not in text and "Yz1iaXdz" not in text
    assert "<password>[redacted]</password>" in text


def test_connection_failures_in_words() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 1)")
    assert wording.unreachable("127.0.0.1:1", refused) == (
        "nothing answers at 127.0.0.1:1 (connection refused): is the server running?")
    assert "Errno" not in wording.unreachable("h:1", OSError(errno.EHOSTUNREACH,
                                                              "No route to host"))
    assert "no such host name" in wording.unreachable("nowhere.invalid:5222",
                                                      socket.gaierror(-2, "Name unknown"))
    words = wording.certificate("localhost", "127.0.0.1:5222", "self-signed certificate")
    assert words.count("certificate") >= 1 and "--ca-file" in words and "verify_tls" in words
    assert "localhost" in words and "127.0.0.1:5222" in words
    assert "STARTTLS" in wording.no_encryption("127.0.0.1:5222")
    assert "does not serve example.org" in wording.stream_refused(
        "127.0.0.1:5222", "example.org", "host-unknown", "")


def test_a_ca_file_that_is_no_certificate_is_named(tmp_path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("this is not a certificate\n")
    assert "not a certificate in PEM form" in wording.ca_file_problem(bogus)
    assert "no such file" in wording.ca_file_problem(tmp_path / "missing.pem")


@pytest.mark.parametrize("value", ["5", True, 0, 0.1, 10_000, "[1]"])
def test_ping_interval_is_validated_like_the_other_keys(value) -> None:
    with pytest.raises(ConfigError, match=r"account\[0\]\.ping_interval: expected a number "
                                          "of seconds from 0.5 to 600"):
        _parse({"account": [{"jid": "a@example.org", "ping_interval": value}]})


def test_ping_interval_is_read_and_written_back() -> None:
    from xmppsocial.config import Config, dump_config

    accounts, prefs = _parse({"account": [{"jid": "a@example.org", "ping_interval": 2}]})
    assert accounts[0].ping_interval == 2.0
    text = dump_config(Config(accounts, prefs))
    assert "ping_interval = 2\n" in text
    assert _parse(__import__("tomllib").loads(text))[0][0].ping_interval == 2.0
