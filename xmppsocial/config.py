"""The configuration file: accounts and preferences, read with tomllib.

Example ``config.toml``::

    [[account]]
    jid = "alice@example.org"
    server = "xmpp.example.org:5222"    # optional: skip DNS SRV
    ca_file = "/path/to/ca.pem"         # optional: trust a private CA or self-signed server
    verify_tls = true                   # false is a per-account opt-out
    notify_contacts = false             # true: also receive all contacts' posts (+notify)
    password_command = "pass show xmpp" # optional; run without a shell
    public_follows = false              # true: new follows are listed for contacts to see
    ping_interval = 20                  # seconds of silence before the connection is checked

    [preferences]
    theme = "textual-dark"              # the palette's "Change theme" saves the one chosen
    editor = "vim"                      # default: $VISUAL, $EDITOR, then vi
    mark_read = "shown"                 # "shown": after a second in the thread pane;
                                        # "enter": only when opened with Enter

    [keys]
    next = "j"                          # the names are those of xmppsocial.keys

Every key is optional except ``jid``. Passwords never go in this file (a
``password`` key is an error): see secrets.py. Errors name the file, the key
and what was expected, e.g.
``/home/alice/.config/xmppsocial/config.toml: account[0].verify_tls: expected
true or false, got "yes"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xmppsocial import paths

# Seconds of silence before the connection is checked; a dead one is noticed within about
# twice this.
DEFAULT_PING_INTERVAL = 20.0


class ConfigError(ValueError):
    """The configuration cannot be used; the message names file, key and expectation."""


@dataclass(frozen=True, slots=True)
class Account:
    """One ``[[account]]``: who to log in as and how to reach and trust the server."""

    jid: str
    host: str | None = None
    port: int | None = None
    ca_file: Path | None = None
    verify_tls: bool = True
    notify_contacts: bool = False
    password_command: str | None = None
    public_follows: bool = False
    ping_interval: float = DEFAULT_PING_INTERVAL

    @property
    def server(self) -> str | None:
        """``host[:port]`` as written in the file (IPv6 in brackets), or None for DNS SRV."""
        if not self.host:
            return None
        if ":" in self.host:
            return f"[{self.host}]:{self.port}" if self.port else f"[{self.host}]"
        return f"{self.host}:{self.port}" if self.port else self.host


@dataclass(frozen=True, slots=True)
class Preferences:
    """``[preferences]`` and ``[keys]`` (action name to key)."""

    theme: str = "textual-dark"
    editor: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    mark_read: str = "shown"


@dataclass(frozen=True, slots=True)
class Config:
    """The whole file; ``path`` is where it was read from."""

    accounts: tuple[Account, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    path: Path | None = None

    def account(self, jid: str | None = None) -> Account | None:
        """The account with this JID, or the first one; None when there is none."""
        if jid is None:
            return self.accounts[0] if self.accounts else None
        return next((a for a in self.accounts if a.jid == jid), None)


ACCOUNT_KEYS = {"jid", "server", "ca_file", "verify_tls", "notify_contacts", "password_command",
                "public_follows", "ping_interval"}
PING_RANGE = (0.5, 600.0)
PREFERENCE_KEYS = {"theme", "editor", "mark_read"}
MARK_READ = ("shown", "enter")
TABLES = {"account", "preferences", "keys"}


def shown(value: object) -> str:
    """A value as it would be written in TOML, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _unknown(table: dict[str, object], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        import difflib  # only on this error path: it is not cheap to import

        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(sorted(known))}"
        raise ConfigError(f"{where}{unknown[0]}: unknown key ({hint})")


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
        raise ConfigError(f"{where}: expected HOST or HOST:PORT, got {shown(value)}")
    return host, int(port) if port is not None else None


def _expect(table: dict[str, object], key: str, kind: type, where: str, default: object) -> object:
    value = table.get(key, default)
    if value is default:
        return value
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}.{key}: expected true or false, got {shown(value)}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{where}.{key}: expected a string, got {shown(value)}")
    return value


def _account(table: object, where: str) -> Account:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    if "password" in table:
        raise ConfigError(f"{where}.password: passwords are not kept in the config file; "
                          "use the keyring, password_command or XMPPSOCIAL_PASSWORD")
    _unknown(table, ACCOUNT_KEYS, f"{where}.")
    if "jid" not in table:
        raise ConfigError(f"{where}.jid: missing; expected a bare JID like alice@example.org")
    jid = _expect(table, "jid", str, where, None)
    if not isinstance(jid, str) or not _bare_jid(jid):
        raise ConfigError(f"{where}.jid: expected a bare JID like alice@example.org, "
                          f"got {shown(jid)}")
    host = port = None
    server = _expect(table, "server", str, where, None)
    if isinstance(server, str):
        host, port = parse_server(server, f"{where}.server")
    ca_file = _expect(table, "ca_file", str, where, None)
    ping = table.get("ping_interval", DEFAULT_PING_INTERVAL)
    if isinstance(ping, bool) or not isinstance(ping, int | float) \
            or not PING_RANGE[0] <= ping <= PING_RANGE[1]:
        raise ConfigError(f"{where}.ping_interval: expected a number of seconds from "
                          f"{PING_RANGE[0]:g} to {PING_RANGE[1]:g}, got {shown(ping)}")
    return Account(jid=jid, host=host, port=port, ping_interval=float(ping),
                   ca_file=Path(ca_file).expanduser() if isinstance(ca_file, str) else None,
                   verify_tls=bool(_expect(table, "verify_tls", bool, where, True)),
                   notify_contacts=bool(_expect(table, "notify_contacts", bool, where, False)),
                   password_command=_expect(table, "password_command", str, where,
                                            None),  # type: ignore[arg-type]
                   public_follows=bool(_expect(table, "public_follows", bool, where, False)))


def is_bare_jid(jid: str) -> bool:
    """localpart@domain, no resource, no spaces (what an account's JID must look like)."""
    return _bare_jid(jid)


def _bare_jid(jid: str) -> bool:
    local, at, domain = jid.partition("@")
    return (bool(at and local and domain) and "@" not in domain and "/" not in jid
            and not any(c.isspace() for c in jid))


def load_config(path: Path | None = None) -> Config:
    """Read the configuration; a missing file means no accounts yet."""
    path = path or paths.config_file()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    import tomllib  # only once a file exists: one-shot commands often run without one

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Config(*_parse(data), path=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _parse(data: dict[str, object]) -> tuple[tuple[Account, ...], Preferences]:
    _unknown(data, TABLES, "")
    accounts = data.get("account", [])
    if not isinstance(accounts, list):
        raise ConfigError("account: expected [[account]] tables")
    prefs = data.get("preferences", {})
    keys = data.get("keys", {})
    for name, table in (("preferences", prefs), ("keys", keys)):
        if not isinstance(table, dict):
            raise ConfigError(f"{name}: expected a [{name}] table, got {shown(table)}")
    assert isinstance(prefs, dict) and isinstance(keys, dict)
    _unknown(prefs, PREFERENCE_KEYS, "preferences.")
    _check_keys(keys)
    mark_read = str(_expect(prefs, "mark_read", str, "preferences", "shown"))
    if mark_read not in MARK_READ:
        raise ConfigError(f"preferences.mark_read: expected \"shown\" or \"enter\", "
                          f"got {shown(mark_read)}")
    preferences = Preferences(
        theme=str(_expect(prefs, "theme", str, "preferences", "textual-dark")),
        editor=_expect(prefs, "editor", str, "preferences", None),  # type: ignore[arg-type]
        keys=dict(keys), mark_read=mark_read)
    parsed = tuple(_account(a, f"account[{n}]") for n, a in enumerate(accounts))
    seen: dict[str, int] = {}
    for n, account in enumerate(parsed):
        if account.jid in seen:
            raise ConfigError(f"account[{n}].jid: {account.jid} is already account"
                              f"[{seen[account.jid]}]; expected each account once")
        seen[account.jid] = n
    return parsed, preferences


def _check_keys(keys: dict[str, object]) -> None:
    from xmppsocial import keys as known

    _unknown(keys, set(known.BY_NAME), "keys.")
    for name, key in keys.items():
        problem = known.check_key(key) if isinstance(key, str) else "not a string"
        if problem:
            raise ConfigError(f"keys.{name}: expected a key name such as \"j\" or "
                              f"\"ctrl+n\", got {shown(key)}")
    clashing = known.clashes(keys)  # type: ignore[arg-type]
    if clashing:
        raise ConfigError(f"keys: {clashing[0]}; expected one action per key")


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    # TOML forbids control characters (DEL included) in basic strings, except tab.
    escaped = "".join(f"\\u{ord(ch):04x}" if (ch < " " and ch != "\t") or ch == "\x7f" else ch
                      for ch in escaped)
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
        if account.public_follows:
            out.append("public_follows = true")
        if account.ping_interval != DEFAULT_PING_INTERVAL:
            out.append(f"ping_interval = {account.ping_interval:g}")
        out.append("")
    prefs = config.preferences
    out.append("[preferences]")
    out.append(f"theme = {_toml_string(prefs.theme)}")
    if prefs.editor:
        out.append(f"editor = {_toml_string(prefs.editor)}")
    if prefs.mark_read != "shown":
        out.append(f"mark_read = {_toml_string(prefs.mark_read)}")
    if prefs.keys:
        out.append("\n[keys]")
        out.extend(f"{_toml_string(k)} = {_toml_string(v)}" for k, v in prefs.keys.items())
    return "\n".join(out) + "\n"


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically, mode 0600; returns where. It never holds a password."""
    path = path or config.path or paths.config_file()
    if path.parent == paths.config_dir():
        paths.private_dir(path.parent)  # ours: tighten it even if an older release made it
    paths.write_private(path, dump_config(config))
    return path


def save_preference(name: str, value: str, path: Path | None = None) -> Path:
    """Set one ``[preferences]`` value in the file, every other line left as written.

    The TUI saves what the user chooses in it (a theme) this way: the file stays the
    user's, comments and all. A change that would make the file unreadable is not kept.
    """
    import re

    path = path or paths.config_file()
    try:
        before = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        before = ""
    lines = before.splitlines()
    line = f"{name} = {_toml_string(value)}"
    start = next((n for n, text in enumerate(lines)
                  if text.split("#", 1)[0].strip() == "[preferences]"), None)
    if start is None:
        lines += ([""] if lines else []) + ["[preferences]", line]
    else:
        end = next((n for n in range(start + 1, len(lines))
                    if lines[n].lstrip().startswith("[")), len(lines))
        at = next((n for n in range(start + 1, end)
                   if re.match(rf"\s*{re.escape(name)}\s*=", lines[n])), None)
        if at is not None:
            lines[at] = line
        else:
            last = max((n for n in range(start, end) if lines[n].strip()), default=start)
            lines.insert(last + 1, line)
    if path.parent == paths.config_dir():
        paths.private_dir(path.parent)
    paths.write_private(path, "\n".join(lines) + "\n")
    try:
        load_config(path)
    except ConfigError:
        paths.write_private(path, before)
        raise
    return path
