"""The configuration file: accounts and preferences, read with tomllib.

Example ``config.toml``::

    [[account]]
    jid = "alice@example.org"
    server = "xmpp.example.org:5222"    # optional: skip DNS SRV
    ca_file = "/path/to/ca.pem"         # optional: trust a private CA or self-signed server
    verify_tls = true                   # false is a per-account opt-out
    notify_contacts = false             # true: also receive all contacts' posts (+notify)
    password_command = "pass show xmpp" # optional; run without a shell

    [preferences]
    theme = "textual-dark"
    editor = "vim"                      # default: $VISUAL, $EDITOR, then vi

    [keys]
    next = "j"

Passwords never go in this file: see secrets.py.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from xmppsocial import paths


class ConfigError(ValueError):
    """The configuration cannot be used; the message names file, key and expectation."""


@dataclass(frozen=True, slots=True)
class Account:
    jid: str
    host: str | None = None
    port: int | None = None
    ca_file: Path | None = None
    verify_tls: bool = True
    notify_contacts: bool = False
    password_command: str | None = None

    @property
    def server(self) -> str | None:
        if not self.host:
            return None
        return f"{self.host}:{self.port}" if self.port else self.host


@dataclass(frozen=True, slots=True)
class Preferences:
    theme: str = "textual-dark"
    editor: str | None = None
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config:
    accounts: tuple[Account, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    path: Path | None = None

    def account(self, jid: str | None = None) -> Account | None:
        if jid is None:
            return self.accounts[0] if self.accounts else None
        return next((a for a in self.accounts if a.jid == jid), None)


ACCOUNT_KEYS = {"jid", "server", "ca_file", "verify_tls", "notify_contacts", "password_command"}


def parse_server(value: str, where: str = "server") -> tuple[str, int | None]:
    """``host`` or ``host:port`` (IPv6 as ``[::1]:5222``)."""
    value = value.strip()
    host, port = value, None
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest.startswith(":"):
            port = rest[1:]
    elif value.count(":") == 1:
        host, port = value.split(":")
    if not host or (port is not None and not (port.isdigit() and 0 < int(port) < 65536)):
        raise ConfigError(f"{where}: expected HOST or HOST:PORT, got {value!r}")
    return host, int(port) if port is not None else None


def _expect(table: dict[str, object], key: str, kind: type, where: str, default: object) -> object:
    value = table.get(key, default)
    if value is default:
        return value
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{where}.{key}: expected a string, got {value!r}")
    return value


def _account(table: object, where: str) -> Account:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    if "password" in table:
        raise ConfigError(f"{where}.password: passwords are not kept in the config file; "
                          "use the keyring, password_command or XMPPSOCIAL_PASSWORD")
    unknown = set(table) - ACCOUNT_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} "
                          f"(known: {', '.join(sorted(ACCOUNT_KEYS))})")
    jid = _expect(table, "jid", str, where, None)
    if not isinstance(jid, str) or "@" not in jid or "/" in jid:
        raise ConfigError(f"{where}.jid: expected a bare JID like alice@example.org, got {jid!r}")
    host = port = None
    server = _expect(table, "server", str, where, None)
    if isinstance(server, str):
        host, port = parse_server(server, f"{where}.server")
    ca_file = _expect(table, "ca_file", str, where, None)
    return Account(jid=jid, host=host, port=port,
                   ca_file=Path(ca_file).expanduser() if isinstance(ca_file, str) else None,
                   verify_tls=bool(_expect(table, "verify_tls", bool, where, True)),
                   notify_contacts=bool(_expect(table, "notify_contacts", bool, where, False)),
                   password_command=_expect(table, "password_command", str, where,
                                            None))  # type: ignore[arg-type]


def load_config(path: Path | None = None) -> Config:
    """Read the configuration; a missing file means no accounts yet."""
    path = path or paths.config_file()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        accounts = data.get("account", [])
        if not isinstance(accounts, list):
            raise ConfigError("account: expected [[account]] tables")
        prefs = data.get("preferences", {})
        keys = data.get("keys", {})
        if not isinstance(prefs, dict) or not isinstance(keys, dict):
            raise ConfigError("preferences/keys: expected tables")
        for name, key in keys.items():
            if not isinstance(key, str):
                raise ConfigError(f"keys.{name}: expected a key name string, got {key!r}")
        preferences = Preferences(
            theme=str(_expect(prefs, "theme", str, "preferences", "textual-dark")),
            editor=_expect(prefs, "editor", str, "preferences", None),  # type: ignore[arg-type]
            keys=dict(keys))
        return Config(tuple(_account(a, f"account[{n}]") for n, a in enumerate(accounts)),
                      preferences, path)
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def dump_config(config: Config) -> str:
    """TOML text for a config (what the first-run account screen writes)."""
    out = []
    for account in config.accounts:
        out.append("[[account]]")
        out.append(f"jid = {_toml_string(account.jid)}")
        if account.server:
            out.append(f"server = {_toml_string(account.server)}")
        if account.ca_file:
            out.append(f"ca_file = {_toml_string(str(account.ca_file))}")
        out.append(f"verify_tls = {'true' if account.verify_tls else 'false'}")
        out.append(f"notify_contacts = {'true' if account.notify_contacts else 'false'}")
        if account.password_command:
            out.append(f"password_command = {_toml_string(account.password_command)}")
        out.append("")
    prefs = config.preferences
    out.append("[preferences]")
    out.append(f"theme = {_toml_string(prefs.theme)}")
    if prefs.editor:
        out.append(f"editor = {_toml_string(prefs.editor)}")
    if prefs.keys:
        out.append("\n[keys]")
        out.extend(f"{_toml_string(k)} = {_toml_string(v)}" for k, v in prefs.keys.items())
    return "\n".join(out) + "\n"


def save_config(config: Config, path: Path | None = None) -> Path:
    path = path or config.path or paths.config_file()
    paths.write_private(path, dump_config(config))
    return path
