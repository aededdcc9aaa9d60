"""Configuration, secrets and paths: clear errors, no passwords on disk, private files."""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

import pytest

from xmppsocial import paths
from xmppsocial.config import Account, Config, ConfigError, load_config, save_config
from xmppsocial.secrets import PasswordUnavailable, get_password


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Path:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("XMPPSOCIAL_PASSWORD", raising=False)
    return tmp_path


def write(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_paths_follow_xdg_and_nothing_is_created_on_import(isolated) -> None:
    assert paths.config_file() == isolated / "xdg_config_home" / "xmppsocial" / "config.toml"
    assert paths.database_file().parent == isolated / "xdg_data_home" / "xmppsocial"
    assert not (isolated / "xdg_config_home").exists()


def test_a_full_account(isolated) -> None:
    write('[[account]]\njid = "alice@example.org"\nserver = "127.0.0.1:5222"\n'
          'ca_file = "/etc/ca.pem"\nverify_tls = false\nnotify_contacts = true\n'
          'password_command = "pass show xmpp"\n[preferences]\neditor = "nano"\n'
          '[keys]\nnext = "j"\n')
    config = load_config()
    account = config.account()
    assert (account.jid, account.host, account.port, account.ca_file) == (
        "alice@example.org", "127.0.0.1", 5222, Path("/etc/ca.pem"))
    assert (account.verify_tls, account.notify_contacts) == (False, True)
    assert config.preferences.editor == "nano" and config.preferences.keys == {"next": "j"}


def test_defaults_and_missing_file() -> None:
    assert load_config().accounts == ()
    write('[[account]]\njid = "bob@example.org"\n')
    account = load_config().account("bob@example.org")
    assert account.verify_tls is True and account.notify_contacts is False


@pytest.mark.parametrize("text, message", [
    ('[[account]]\njid = "a@b.c"\nverify_tls = "yes"\n',
     "config.toml: account[0].verify_tls: expected true or false, got 'yes'"),
    ('[[account]]\njid = "nobody"\n', "account[0].jid: expected a bare JID"),
    ('[[account]]\njid = "a@b.c"\nserver = "host:99999"\n', "expected HOST or HOST:PORT"),
    ('[[account]]\njid = "a@b.c"\npassword = "hunter2"\n', "passwords are not kept"),
    ('[[account]]\njid = "a@b.c"\nvrify_tls = true\n', "unknown key 'vrify_tls'"),
    ('[[account]\n', "not valid TOML"),
])
def test_errors_name_file_key_and_expectation(text: str, message: str) -> None:
    write(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config()


def test_saved_config_is_private_and_reads_back() -> None:
    config = Config((Account("alice@example.org", "xmpp.example.org", 5223,
                             Path("/tmp/ca \"x\".pem"), verify_tls=False),))
    path = save_config(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_config(path).account()
    assert (again.host, again.port, again.ca_file, again.verify_tls) == (
        "xmpp.example.org", 5223, Path('/tmp/ca "x".pem'), False)
    assert "password" not in path.read_text()


def test_password_sources_in_order(monkeypatch, tmp_path) -> None:
    script = tmp_path / "pw.py"
    script.write_text("print('from-command')\nprint('second line ignored')\n")
    account = Account("a@b.c", password_command=f"{sys.executable} {script}")
    assert get_password(account) == "from-command"
    monkeypatch.setenv("XMPPSOCIAL_PASSWORD", "from-env")
    assert get_password(account) == "from-env"
    monkeypatch.delenv("XMPPSOCIAL_PASSWORD")
    assert get_password(Account("a@b.c"), prompt=lambda jid: f"typed for {jid}") == "typed for a@b.c"
    with pytest.raises(PasswordUnavailable, match="XMPPSOCIAL_PASSWORD"):
        get_password(Account("a@b.c"))


def test_password_command_runs_without_a_shell(tmp_path) -> None:
    marker = tmp_path / "pwned"
    account = Account("a@b.c", password_command=f"echo secret; touch {marker}")
    assert get_password(account) == f"secret; touch {marker}"
    assert not marker.exists()
