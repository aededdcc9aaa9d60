"""The configuration file: accounts and preferences, errors that point at the mistake."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xmppsocial import paths
from xmppsocial.config import (
    Account,
    Config,
    ConfigError,
    Preferences,
    dump_config,
    load_config,
    parse_server,
    save_config,
)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Path:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    return tmp_path


def write(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_full_account() -> None:
    write('[[account]]\njid = "alice@example.org"\nserver = "127.0.0.1:5222"\n'
          'ca_file = "/etc/ca.pem"\nverify_tls = false\nnotify_contacts = true\n'
          'password_command = "pass show xmpp"\n[preferences]\neditor = "nano"\n'
          'theme = "textual-light"\n[keys]\nnext = "j"\n')
    config = load_config()
    account = config.account()
    assert (account.jid, account.host, account.port, account.ca_file) == (
        "alice@example.org", "127.0.0.1", 5222, Path("/etc/ca.pem"))
    assert (account.verify_tls, account.notify_contacts) == (False, True)
    assert account.password_command == "pass show xmpp"
    assert config.preferences == Preferences("textual-light", "nano", {"next": "j"})
    assert config.path == paths.config_file()


def test_missing_file_means_defaults_and_nothing_is_created(isolated) -> None:
    config = load_config()
    assert config.accounts == () and config.account() is None
    assert config.preferences == Preferences()
    assert not (isolated / "xdg_config_home").exists()


def test_defaults_tls_on_and_notify_off() -> None:
    write('[[account]]\njid = "bob@example.org"\n[[account]]\njid = "carol@example.org"\n')
    config = load_config()
    bob = config.account("bob@example.org")
    assert bob.verify_tls is True and bob.notify_contacts is False
    assert (bob.host, bob.port, bob.ca_file, bob.password_command) == (None, None, None, None)
    assert config.account() == bob and config.account("carol@example.org").jid.startswith("carol")
    assert config.account("nobody@example.org") is None


@pytest.mark.parametrize("text, message", [
    ('[[account]]\njid = "a@b.c"\nverify_tls = "yes"\n',
     'account[0].verify_tls: expected true or false, got "yes"'),
    ('[[account]]\njid = "a@b.c"\nnotify_contacts = 1\n',
     "account[0].notify_contacts: expected true or false, got 1"),
    ('[[account]]\njid = "nobody"\n', 'account[0].jid: expected a bare JID like '
     'alice@example.org, got "nobody"'),
    ('[[account]]\njid = "a@b.c/laptop"\n', "account[0].jid: expected a bare JID"),
    ('[[account]]\njid = "a b@c.d"\n', "account[0].jid: expected a bare JID"),
    ('[[account]]\njid = "@c.d"\n', "account[0].jid: expected a bare JID"),
    ('[[account]]\nserver = "h"\n', "account[0].jid: missing"),
    ('[[account]]\njid = "a@b.c"\nserver = "host:99999"\n',
     'account[0].server: expected HOST or HOST:PORT, got "host:99999"'),
    ('[[account]]\njid = "a@b.c"\nserver = 5222\n',
     "account[0].server: expected a string, got 5222"),
    ('[[account]]\njid = "a@b.c"\nca_file = ["x"]\n',
     "account[0].ca_file: expected a string, got an array"),
    ('[[account]]\njid = "a@b.c"\npassword = "hunter2"\n',
     "account[0].password: passwords are not kept in the config file"),
    ('[[account]]\njid = "a@b.c"\nvrify_tls = true\n',
     "account[0].vrify_tls: unknown key (did you mean verify_tls?)"),
    ('[[account]]\njid = "a@b.c"\n[[account]]\njid = "a@b.c"\n',
     "account[1].jid: a@b.c is already account[0]"),
    ('account = "a@b.c"\n', "account: expected [[account]] tables"),
    ('[preferences]\nthem = "x"\n', "preferences.them: unknown key (did you mean theme?)"),
    ('[preferences]\neditor = false\n', "preferences.editor: expected a string, got false"),
    ('preferences = 3\n', "preferences: expected a [preferences] table, got 3"),
    ('[keys]\nnext = 1\n', 'keys.next: expected a key name such as "j"'),
    ('[acount]\njid = "a@b.c"\n', "acount: unknown key (did you mean account?)"),
    ('[[account]\n', "not valid TOML"),
])
def test_errors_name_file_key_and_expectation(text: str, message: str) -> None:
    path = write(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_unreadable_file_is_an_error_naming_it(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path)  # a directory


@pytest.mark.parametrize("text, expected", [
    ("example.org", ("example.org", None)),
    ("example.org:5223", ("example.org", 5223)),
    ("[::1]:5222", ("::1", 5222)),
    ("[::1]", ("::1", None)),
    ("::1", ("::1", None)),
])
def test_server_forms(text: str, expected: tuple[str, int | None]) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("text", ["", ":5222", "host:0", "host:port", "[::1]:x"])
def test_bad_server_forms(text: str) -> None:
    with pytest.raises(ConfigError, match="expected HOST or HOST:PORT"):
        parse_server(text)


def test_saved_config_is_private_atomic_and_reads_back() -> None:
    config = Config((Account("alice@example.org", "xmpp.example.org", 5223,
                             Path('/tmp/ca "x"\\.pem'), verify_tls=False,
                             password_command="pass show 'xmpp'"),
                     Account("bob@example.org", "::1", 5222, notify_contacts=True)),
                    Preferences(editor="vim -u NONE", keys={"next": "j", "new_post": "ctrl+n"}))
    path = save_config(config)
    assert path == paths.config_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary left
    again = load_config(path)
    assert again.accounts == config.accounts
    assert again.preferences == config.preferences
    assert "password =" not in path.read_text()


@given(st.text(max_size=40))
def test_any_string_survives_writing_and_reading(value: str) -> None:
    text = dump_config(Config((Account("a@b.c", password_command=value or None),),
                              Preferences(theme=value, keys={value: value} if value else {})))
    data = tomllib.loads(text)
    assert data["preferences"]["theme"] == value
    if value:
        assert data["account"][0]["password_command"] == value
        assert data["keys"] == {value: value}


def test_saving_over_an_existing_file_keeps_it_private(isolated) -> None:
    path = write('[[account]]\njid = "old@example.org"\n')
    path.chmod(0o644)
    save_config(Config((Account("new@example.org"),)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config().account().jid == "new@example.org"


def test_every_keys_name_is_known_or_refused_with_the_nearest() -> None:
    write('[keys]\nnext = "n"\nnew_post = "ctrl+n"\n')
    assert load_config().preferences.keys == {"next": "n", "new_post": "ctrl+n"}
    write('[keys]\nnext_unred = "x"\n')
    with pytest.raises(ConfigError, match="keys.next_unred: unknown key .did you mean "
                                          "next_unread"):
        load_config()
    write('[keys]\nlike = "ctrl+"\n')
    with pytest.raises(ConfigError, match='keys.like: expected a key name'):
        load_config()
    write('[keys]\nlike = "r"\n')  # r is reply's
    with pytest.raises(ConfigError, match="'r' is both reply and like"):
        load_config()


def test_mark_read_preference() -> None:
    write('[preferences]\nmark_read = "enter"\n')
    assert load_config().preferences.mark_read == "enter"
    write('[preferences]\nmark_read = "never"\n')
    with pytest.raises(ConfigError, match='preferences.mark_read: expected "shown" or "enter"'):
        load_config()
    write('[preferences]\nmark_reed = "enter"\n')
    with pytest.raises(ConfigError, match="did you mean mark_read"):
        load_config()


def test_saving_a_preference_keeps_the_rest_of_the_file() -> None:
    from xmppsocial.config import save_preference

    path = write('# my settings\n[[account]]\njid = "a@b.c"  # me\n\n[preferences]\n'
                 'editor = "nano"  # small\n\n[keys]\nnext = "j"\n')
    save_preference("theme", "nord")
    text = path.read_text()
    assert text.startswith('# my settings\n[[account]]\njid = "a@b.c"  # me\n')
    assert 'editor = "nano"  # small\ntheme = "nord"\n' in text and 'next = "j"' in text
    save_preference("theme", "gruvbox")
    assert load_config().preferences.theme == "gruvbox" and text.count("theme") == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_default_keys_do_not_clash() -> None:
    from xmppsocial import keys

    assert keys.clashes({spec.name: spec.keys for spec in keys.KEYS}) == []
    assert all(keys.check_key(spec.keys) is None for spec in keys.KEYS)
