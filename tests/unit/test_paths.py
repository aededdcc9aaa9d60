"""Where files go: the XDG variables decide, nothing exists until needed, all of it private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from xmppsocial import paths

XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Path:
    for name in XDG:
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    return tmp_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_location_follows_its_xdg_variable(isolated) -> None:
    assert paths.config_file() == isolated / "xdg_config_home" / "xmppsocial" / "config.toml"
    assert paths.database_file().parent == isolated / "xdg_data_home" / "xmppsocial"
    assert paths.cache_dir() == isolated / "xdg_cache_home" / "xmppsocial"
    assert paths.log_dir().is_relative_to(isolated / "xdg_state_home" / "xmppsocial")
    assert not any(isolated.iterdir())  # asking where is not creating


def test_importing_creates_nothing(isolated) -> None:
    env = {**os.environ, "HOME": str(isolated / "home")}
    subprocess.run([sys.executable, "-c", "import xmppsocial.paths, xmppsocial.config, "
                    "xmppsocial.secrets, xmppsocial.store"], env=env, check=True,
                   cwd=Path(__file__).resolve().parents[2])
    assert not any(isolated.iterdir())


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_directories_and_files_are_private_whatever_the_umask(isolated, umask: int) -> None:
    old = os.umask(umask)
    try:
        target = paths.data_dir() / "sub" / "file.db"
        paths.private_file(target)
        assert mode(target) == 0o600
        assert mode(target.parent) == 0o700
        assert mode(paths.data_dir()) == 0o700
        written = paths.config_file()
        paths.write_private(written, "x = 1\n")
        assert (mode(written), mode(written.parent)) == (0o600, 0o700)
    finally:
        os.umask(old)


def test_private_file_keeps_contents_and_tightens_an_existing_mode(isolated) -> None:
    target = isolated / "own" / "notes.txt"
    target.parent.mkdir()
    target.parent.chmod(0o755)
    target.write_text("kept")
    target.chmod(0o644)
    paths.private_file(target)
    assert target.read_text() == "kept"
    assert (mode(target), mode(target.parent)) == (0o600, 0o755)


def test_write_private_replaces_atomically(isolated) -> None:
    target = isolated / "out" / "feed.atom"
    paths.write_private(target, "first")
    paths.write_private(target, "second ü")
    assert target.read_text(encoding="utf-8") == "second ü"
    assert sorted(p.name for p in target.parent.iterdir()) == ["feed.atom"]


def test_our_directories_are_tightened_but_a_users_directory_is_not(isolated) -> None:
    ours = paths.config_dir()
    ours.mkdir(parents=True, mode=0o755)
    ours.chmod(0o755)
    paths.private_dir(ours)
    assert mode(ours) == 0o700
    public = isolated / "public_html"
    public.mkdir()
    public.chmod(0o755)
    paths.write_private(public / "feed.atom", "<feed/>")
    assert mode(public) == 0o755
    assert mode(public / "feed.atom") == 0o600
