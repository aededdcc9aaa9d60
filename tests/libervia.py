"""A real Libervia (Debian bookworm's libervia-backend and libervia-cli 0.9) next to a test server.

The backend runs in its own HOME and XDG directories with the Perspective Broker bridge
(a UNIX socket in its data directory, so no D-Bus), is pointed at the test server through
``hosts_dict`` and trusts the server's certificate through SSL_CERT_FILE. Each test gets
its own profiles (accounts registered in-band first). The CLI is run as a user runs it;
its results are read from ``-O json`` or from the lines it prints on standard output.

Libervia 0.9's own defects on Prosody are worked around here, never in xmppsocial:

* it wraps every subscribe in an XEP-0376 (PAM) request that Prosody refuses, so a
  Libervia user follows through a plain XEP-0060 subscribe sent by a raw client as that
  user (``follow``);
* it publishes without publish-options, so its blog node would be created with
  ``max_items=1`` and contacts-only access, and a first post with comments fails
  (``KeyError: 'uri'``): each profile's blog node is created up front, configured with
  ``libervia-cli pubsub node create -f access_model open -f max_items max``;
* it publishes a ``replies`` link even when it could not create the comments node, which
  a stock Prosody's pubsub component refuses to non-admins: the Libervia profiles are the
  component's admins on the server this fixture runs on (``ADMINS``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmppsocial.localserver import XmppServer

BACKEND, CLI = "libervia-backend", "libervia-cli"
# python3-markdown and python3-html2text are only Recommends of libervia-backend, and its
# Markdown syntax needs both.
APT_PACKAGES = "libervia-backend libervia-cli python3-markdown python3-html2text"
SYSTEM_PYTHON = "/usr/bin/python3"
# Profile names handed out to tests, in order; the server makes them admins of its pubsub
# component (see the module docstring).
ADMINS = tuple(f"libervia{n:02d}" for n in range(1, 25))
PASSWORD = "libervia-secret"
MICROBLOG = "urn:xmpp:microblog:0"


class LiberviaError(RuntimeError):
    """A libervia-cli command failed; the message holds its exit code and last lines."""


def missing() -> str | None:
    """What is missing to run Libervia here, or None."""
    for name in (BACKEND, CLI):
        if shutil.which(name, path="/usr/bin:/bin:" + os.environ.get("PATH", "")) is None:
            return f"{name} is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import markdown, html2text"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        return "python3-markdown or python3-html2text is not installed"
    return None


class Libervia:
    """One backend for a test session, talking to ``server``."""

    def __init__(self, base: Path, server: XmppServer) -> None:
        self.base = base
        self.server = server
        self.env = {
            **os.environ,
            # The backend's shebang asks `env python3`: it must be Debian's, with Twisted.
            "PATH": "/usr/bin:/bin:" + os.environ.get("PATH", ""),
            "HOME": str(base / "home"),
            "XDG_CONFIG_HOME": str(base / "config"),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CACHE_HOME": str(base / "cache"),
            "XDG_STATE_HOME": str(base / "state"),
            "SSL_CERT_FILE": str(server.cafile),
            "EDITOR": str(base / "editor.sh"),
        }
        for key in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
            self.env.pop(key, None)
        self.data = base / "data" / "libervia"
        self._names = iter(ADMINS)

    @property
    def log(self) -> str:
        path = self.data / "libervia.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, timeout: float = 90.0) -> None:
        for sub in ("home", "config/libervia", "data", "cache", "state"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        hosts = {self.server.domain: {"host": self.server.host, "port": self.server.port}}
        (self.base / "config" / "libervia" / "libervia.conf").write_text(
            "[DEFAULT]\nbridge = pb\n" f"hosts_dict = {json.dumps(hosts)}\n")
        editor = self.base / "editor.sh"
        # `blog edit` opens $EDITOR on the body: this one writes the text a test asked for.
        editor.write_text('#!/bin/sh\ncat "$LIBERVIA_TEST_BODY" > "$1"\n')
        editor.chmod(0o755)
        subprocess.run([BACKEND, "bg"], env=self.env, check=True, capture_output=True,
                       timeout=60)
        deadline = time.monotonic() + timeout
        while "Backend is ready" not in self.log:
            if time.monotonic() > deadline:
                self.stop()
                raise LiberviaError("libervia-backend did not get ready:\n" + self.log[-3000:])
            time.sleep(0.1)

    def stop(self, timeout: float = 15.0) -> None:
        """End the daemon by the pid in its pid file: TERM, then KILL."""
        pid_file = self.data / "libervia.pid"
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.1)

    async def cli(self, *argv: str, stdin: str | None = None,
                  body: str | None = None) -> str:
        """Run ``libervia-cli ARGV``; its standard output, or LiberviaError."""
        env = self.env
        if body is not None:
            path = self.base / "edit-body.txt"
            path.write_text(body)
            env = {**env, "LIBERVIA_TEST_BODY": str(path)}
        proc = await asyncio.create_subprocess_exec(
            CLI, *argv, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate((stdin or "").encode()), 120)
        if proc.returncode != 0:
            tail = "\n".join(err.decode(errors="replace").strip().splitlines()[-4:])
            raise LiberviaError(f"libervia-cli {' '.join(argv)}: exit {proc.returncode}\n{tail}")
        return out.decode()

    async def new_user(self) -> LiberviaUser:
        """A fresh account on the server, as a connected Libervia profile with a public blog."""
        from xmppsocial.xmpp.client import ConnectionSettings
        from xmppsocial.xmpp.register import register_account

        name = next(self._names)
        jid = f"{name}@{self.server.domain}"
        settings = ConnectionSettings(jid, PASSWORD, self.server.host, self.server.port,
                                      self.server.cafile)
        await register_account(settings)
        await self.cli("profile", "create", "-j", jid, "-x", PASSWORD, name)
        await self.cli("profile", "connect", "-p", name, "-c")
        user = LiberviaUser(self, name, jid, settings)
        await self.cli("pubsub", "node", "create", "-p", name, "-s", jid, "-n", MICROBLOG,
                       "-f", "access_model", "open", "-f", "max_items", "max")
        return user


@dataclass
class LiberviaUser:
    """One Libervia profile, driven through libervia-cli."""

    libervia: Libervia
    name: str
    jid: str
    settings: Any  # ConnectionSettings, for the raw client that works around PAM

    async def _run(self, *argv: str, **kwargs: Any) -> str:
        return await self.libervia.cli(*argv, "-p", self.name, **kwargs)

    async def post(self, body: str, *, title: str = "", tags: tuple[str, ...] = (),
                   syntax: str = "markdown", comments: bool = False,
                   service: str | None = None, node: str | None = None) -> str:
        """Publish with ``blog set``; the new item's id."""
        argv = ["blog", "set", "-S", syntax]
        if title:
            argv += ["-T", title]
        for tag in tags:
            argv += ["-t", tag]
        if comments:
            argv.append("-C")
        if service:
            argv += ["-s", service]
        if node:
            argv += ["-n", node]
        out = await self._run(*argv, stdin=body)
        marker = "Item published with ID "
        line = next((line for line in out.splitlines() if line.startswith(marker)), None)
        if line is None:
            raise LiberviaError(f"blog set printed no item id: {out!r}")
        return line[len(marker):].strip()

    async def edit(self, item: str, body: str, syntax: str = "markdown") -> None:
        await self._run("blog", "edit", "-i", item, "-S", syntax, body=body)

    async def delete(self, item: str) -> None:
        await self._run("pubsub", "delete", "-s", self.jid, "-n", MICROBLOG, "-i", item, "-f")

    async def like(self, service: str, item: str, node: str = MICROBLOG) -> None:
        """XEP-0470 "noticed" on someone's item (LiberviaError when refused)."""
        await self._run("blog", "attachments", "set", "-s", service, "-n", node, "-i", item,
                        "-N")

    async def attachments(self, service: str, item: str, node: str = MICROBLOG) -> list[dict]:
        return json.loads(await self._run("blog", "attachments", "get", "-s", service, "-n",
                                          node, "-i", item, "-O", "json"))

    async def repeat(self, service: str, item: str) -> str:
        out = await self._run("blog", "repeat", "-s", service, "-i", item)
        return out.strip().rsplit("'", 2)[-2] if "'" in out else out.strip()

    async def blog(self, service: str, node: str = MICROBLOG, count: int = 50) -> list[dict]:
        """What Libervia shows of a blog, its cache bypassed (``-C``), newest first."""
        out = await self._run("blog", "get", "-s", service, "-n", node, "-C", "-O", "json",
                              "-M", str(count))
        return json.loads(out)[0]

    async def follow(self, service: str, node: str = MICROBLOG) -> None:
        """Subscribe as this user with a plain XEP-0060 request (see the module docstring)."""
        from xmppsocial.model import NodeRef
        from xmppsocial.xmpp.service import XmppService

        raw = XmppService(self.settings, lambda event: None, resync_on_connect=False,
                          present=False)
        await raw.start()
        try:
            await raw.follow(NodeRef(service, node))
        finally:
            await raw.stop()
