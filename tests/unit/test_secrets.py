"""Passwords: environment, keyring, password_command, prompt, in that order; never on disk."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from xmppsocial import secrets
from xmppsocial.config import Account
from xmppsocial.secrets import PasswordUnavailable, get_password, remember, run_password_command

JID = "alice@example.org"


class FakeKeyring:
    """Stands in for the keyring module (never the user's real keyring)."""

    def __init__(self, backend_module: str = "keyring.backends.SecretService",
                 broken: bool = False) -> None:
        self.saved: dict[tuple[str, str], str] = {}
        self.backend = type("Backend", (), {"__module__": backend_module})()
        self.broken = broken

    def get_keyring(self) -> object:
        return self.backend

    def get_password(self, service: str, user: str) -> str | None:
        if self.broken:
            raise RuntimeError("keyring is locked")
        return self.saved.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        if self.broken:
            raise RuntimeError("keyring is locked")
        self.saved[(service, user)] = password


@pytest.fixture(autouse=True)
def no_env(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("XMPPSOCIAL_PASSWORD", raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


def install(monkeypatch, fake: FakeKeyring | None) -> None:
    if fake is None:
        monkeypatch.setitem(sys.modules, "keyring", None)  # import raises ImportError
        return
    module = types.ModuleType("keyring")
    module.get_keyring = fake.get_keyring
    module.get_password = fake.get_password
    module.set_password = fake.set_password
    monkeypatch.setitem(sys.modules, "keyring", module)


def command(tmp_path: Path, body: str) -> str:
    script = tmp_path / "pw.py"
    script.write_text(body)
    return f"{sys.executable} {script}"


def test_the_environment_wins_over_everything(monkeypatch, tmp_path) -> None:
    fake = FakeKeyring()
    fake.saved[("xmppsocial", JID)] = "from-keyring"
    install(monkeypatch, fake)
    monkeypatch.setenv("XMPPSOCIAL_PASSWORD", "from-env")
    account = Account(JID, password_command=command(tmp_path, "print('from-command')"))
    assert get_password(account, prompt=lambda jid: "typed") == "from-env"


def test_keyring_then_command_then_prompt(monkeypatch, tmp_path) -> None:
    fake = FakeKeyring()
    install(monkeypatch, fake)
    asked: list[str] = []

    def prompt(jid: str) -> str:
        asked.append(jid)
        return "typed"

    with_command = Account(JID, password_command=command(tmp_path, "print('from-command')"))
    assert get_password(with_command, prompt) == "from-command"
    assert get_password(Account(JID), prompt) == "typed"
    assert asked == [JID]
    assert remember(JID, "from-keyring") is True
    assert get_password(with_command, prompt) == "from-keyring"
    assert asked == [JID]  # not asked again


@pytest.mark.parametrize("fake", [None, FakeKeyring("keyring.backends.fail"),
                                  FakeKeyring("keyring.backends.null"),
                                  FakeKeyring(broken=True)],
                         ids=["not installed", "no backend", "turned off", "locked"])
def test_an_unusable_keyring_is_skipped_and_nothing_is_remembered(monkeypatch, fake) -> None:
    install(monkeypatch, fake)
    assert secrets.from_keyring(JID) is None
    assert remember(JID, "secret") is False
    assert get_password(Account(JID), prompt=lambda jid: "typed") == "typed"
    if fake is not None:
        assert fake.saved == {}


def test_nothing_found_says_what_to_do(monkeypatch) -> None:
    install(monkeypatch, None)
    for prompt in (None, lambda jid: None, lambda jid: ""):
        with pytest.raises(PasswordUnavailable, match="XMPPSOCIAL_PASSWORD") as caught:
            get_password(Account(JID), prompt)
        assert JID in str(caught.value)


def test_password_command_gives_its_first_line(tmp_path) -> None:
    line = command(tmp_path, "import sys; sys.stdout.write('s3cret \\r\\nsecond line\\n')")
    assert run_password_command(line) == "s3cret "


def test_password_command_runs_without_a_shell(tmp_path, monkeypatch) -> None:
    install(monkeypatch, None)
    marker = tmp_path / "pwned"
    account = Account(JID, password_command=f"echo 'secret' ; touch {marker} $HOME `id`")
    assert get_password(account) == f"secret ; touch {marker} $HOME `id`"
    assert not marker.exists()


@pytest.mark.parametrize("body, message", [
    ("import sys; print('gpg: decryption failed', file=sys.stderr); sys.exit(2)",
     "exited with 2: gpg: decryption failed"),
    ("pass", "printed nothing"),
    ("import time; time.sleep(5)", "timed out"),
])
def test_a_failing_password_command_is_reported_not_ignored(tmp_path, body, message) -> None:
    with pytest.raises(PasswordUnavailable, match=message):
        run_password_command(command(tmp_path, body), timeout=0.5)


@pytest.mark.parametrize("line", ["/no/such/program --flag", "pass 'unbalanced"])
def test_a_password_command_that_cannot_start(line: str) -> None:
    with pytest.raises(PasswordUnavailable, match="password_command failed"):
        run_password_command(line)


def test_no_secret_is_ever_written_to_disk(monkeypatch, tmp_path) -> None:
    install(monkeypatch, None)
    account = Account(JID, password_command=command(tmp_path, "print('hunter2-from-command')"))
    assert get_password(account) == "hunter2-from-command"
    assert get_password(Account(JID), prompt=lambda jid: "hunter2-typed") == "hunter2-typed"
    remember(JID, "hunter2-remembered")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"hunter2-typed" not in content and b"hunter2-remembered" not in content


def test_keyring_is_not_imported_until_needed() -> None:
    import subprocess
    code = "import sys, xmppsocial.secrets; print('keyring' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
