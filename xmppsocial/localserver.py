"""Throwaway Prosody and ejabberd instances on loopback: the test suite and the demo.

Each instance lives in its own temporary directory (config, data, logs, a
self-signed certificate made at start) and listens on free 127.0.0.1 ports.
Nothing system-wide is used: no systemd, no packaged configs, no epmd, no
fixed ports, so a server that apt may have started cannot collide with ours.
Processes are stopped by their own pid, never by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

DOMAIN = "localhost"
PUBSUB_DOMAIN = "pubsub.localhost"
BINARIES = {"prosody": "prosody", "ejabberd": "ejabberdctl"}
APT_PACKAGES = {"prosody": "prosody", "ejabberd": "ejabberd"}


class ServerStartError(RuntimeError):
    """The server binary exists but the instance did not come up."""


def find_binary(kind: str) -> str | None:
    """Locate a server binary, also in sbin dirs that a non-root PATH lacks."""
    name = BINARIES[kind]
    found = shutil.which(name)
    if found:
        return found
    for d in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        if os.access(f"{d}/{name}", os.X_OK):
            return f"{d}/{name}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def make_certificate(directory: Path) -> Path:
    """A self-signed EC certificate for the test domain; the client trusts it as a CA file."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", f"/CN={DOMAIN}",
         "-addext", f"subjectAltName=DNS:{DOMAIN},DNS:{PUBSUB_DOMAIN}"],
        check=True, capture_output=True, timeout=30,
    )
    return cert


@dataclass
class XmppServer:
    """A running test server. Accounts are made per test by in-band registration."""

    kind: str
    directory: Path
    port: int = 0
    host: str = "127.0.0.1"
    domain: str = DOMAIN
    pubsub_domain: str = PUBSUB_DOMAIN
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def cafile(self) -> Path:
        return self.directory / "cert.pem"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_tail(self) -> str:
        logs = sorted(self.directory.glob("*.log")) + sorted(self.directory.glob("log/*.log"))
        logs += sorted(self.directory.glob("*.out"))
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in logs)

    def start(self, timeout: float = 60.0) -> None:
        """Start the instance (again, after stop() or kill(), on the same port and data)."""
        if not self.cafile.exists():
            make_certificate(self.directory)
        if not self.port:
            self.port = free_port()
        if self.kind == "prosody":
            argv, env = self._prosody_command()
        else:
            argv, env = self._ejabberd_command()
        out = open(self.directory / f"{self.kind}.out", "ab")  # noqa: SIM115 - child keeps it
        # A new session gives the server its own process group, so a stuck
        # ejabberd (wrapper script + erl + beam) can be ended as one unit.
        self.process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError(f"{self.kind} exited with {self.process.returncode}\n"
                                       + self.log_tail)
            if port_open(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise ServerStartError(f"{self.kind} did not open port {self.port} in {timeout} s\n"
                               + self.log_tail)

    def stop(self, timeout: float = 15.0) -> None:
        """End the instance by its pid: TERM, then KILL for anything left of its group."""
        proc, self.process = self.process, None
        if proc is None:
            return
        pids = [proc.pid]
        beam = self.directory / "ejabberd.pid"
        if beam.exists():
            try:
                pids.insert(0, int(beam.read_text().strip()))
            except ValueError:
                pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait(5)
        beam.unlink(missing_ok=True)
        self._wait_port_closed()

    def kill(self) -> None:
        """Kill the whole server at once (a crash, for fault tests)."""
        proc, self.process = self.process, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)
        (self.directory / "ejabberd.pid").unlink(missing_ok=True)
        self._wait_port_closed()

    def _wait_port_closed(self) -> None:
        deadline = time.monotonic() + 10
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    # ------------------------------------------------------------------ Prosody
    def _prosody_command(self) -> tuple[list[str], dict[str, str]]:
        d = self.directory
        (d / "data").mkdir(exist_ok=True)
        (d / "certs").mkdir(exist_ok=True)
        s = self.settings
        lines = [
            "-- written by xmppsocial (localserver.py)",
            "run_as_root = true",  # CI runs as root; without it Prosody refuses to start
            f'pidfile = "{d}/prosody.lua.pid"',
            f'data_path = "{d}/data"',
            f'certificates = "{d}/certs"',
            f'admin_socket = "{d}/prosody.sock"',
            f'log = {{ {{ levels = {{ min = "{s.get("loglevel", "info")}" }}, to = "file", '
            f'filename = "{d}/prosody.log" }} }}',
            'interfaces = { "127.0.0.1" }',
            'local_interfaces = { "127.0.0.1" }',
            f"c2s_ports = {{ {self.port} }}",
            "c2s_direct_tls_ports = { }",
            "s2s_ports = { }",
            "http_ports = { }",
            "https_ports = { }",
            "component_ports = { }",
            'modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "pep"; "ping"; '
            '"register"; "posix"; "version"; "smacks"; }',
            'modules_disabled = { "s2s"; "offline"; }',
            'authentication = "internal_hashed"',
            "c2s_require_encryption = false",
            "allow_registration = true",
            "registration_throttle_max = nil",
            "min_seconds_between_registrations = 0",
        ]
        if s.get("tls", "1") == "1":
            lines.append(f'ssl = {{ certificate = "{d}/cert.pem"; key = "{d}/key.pem"; }}')
        else:  # a server offering no STARTTLS, for the client's error about it
            lines = [line.replace('"tls"; ', "") for line in lines]
        if s.get("fast", "1") == "1":
            # Nagle off and PEP in RAM: a 1,000-post test goes from ~100 s to ~3 s.
            lines += [
                "network_settings = { nagle = false }",
                'default_storage = "internal"',
                'storage = { pep = "memory"; pep_data = "memory"; pubsub_nodes = "memory"; '
                'pubsub_data = "memory"; }',
                f"pep_max_items = {s.get('pep_max_items', '10000')}",
                # In-memory PEP stops at 1,000 items per node unless told otherwise.
                f"storage_archive_item_limit = {s.get('pep_max_items', '10000')}",
                # Room for the hostile-input tests' 5 MB post (stock limit: 256 KiB).
                "c2s_stanza_size_limit = 10 * 1024 * 1024",
                f"pubsub_max_items = {s.get('pep_max_items', '10000')}",
            ]
        else:
            lines.append('storage = "internal"')
        lines += [f'VirtualHost "{self.domain}"', f'Component "{self.pubsub_domain}" "pubsub"']
        admins = s.get("pubsub_admins", "").split()
        if admins:
            # Prosody lets only a component's admins create nodes on it.
            lines.append("    admins = { " + "; ".join(f'"{jid}"' for jid in admins) + " }")
        config = d / "prosody.cfg.lua"
        config.write_text("\n".join(lines) + "\n")
        binary = find_binary("prosody") or "prosody"
        return [binary, "--config", str(config), "-F"], dict(os.environ)

    # ----------------------------------------------------------------- ejabberd
    def _ejabberd_command(self) -> tuple[list[str], dict[str, str]]:
        d = self.directory
        for sub in ("db", "log", "modules.d"):
            (d / sub).mkdir(exist_ok=True)
        server_pem = d / "server.pem"
        server_pem.write_bytes(self.cafile.read_bytes() + (d / "key.pem").read_bytes())
        dist_port = int(self.settings.get("dist_port") or 0) or free_port()
        self.settings["dist_port"] = str(dist_port)
        # ejabberdctl reads this after deciding whether to `su ejabberd`; as_current_user
        # keeps everything in this process tree, and ERL_DIST_PORT means no epmd.
        (d / "ejabberdctl.cfg").write_text(
            "EXEC_CMD=as_current_user\n"
            f"ERLANG_NODE=xmppsocialtest{self.port}@localhost\n"
            f"ERL_DIST_PORT={dist_port}\n"
            'ERL_OPTIONS="-setcookie xmppsocialtest -kernel inet_dist_use_interface '
            '{127,0,0,1} -env ERL_CRASH_DUMP_BYTES 0"\n'
            f"EJABBERD_PID_PATH={d}/ejabberd.pid\n"
            "EJABBERD_BYPASS_WARNINGS=true\n"
            f"CONTRIB_MODULES_CONF_DIR={d}/modules.d\n"
        )
        max_items = self.settings.get("max_items_node", "")
        (d / "ejabberd.yml").write_text(EJABBERD_YML.format(
            domain=self.domain, port=self.port, pem=server_pem,
            loglevel=self.settings.get("loglevel", "info"),
            max_items=f"    max_items_node: {max_items}\n" if max_items else "",
        ))
        packaged = find_binary("ejabberd") or "/usr/sbin/ejabberdctl"
        # The packaged ejabberdctl refuses any user but root/ejabberd before it reads
        # --ctl-config, and as root it re-executes itself through su: use a private copy.
        ctl = d / "ejabberdctl.bin"
        text = Path(packaged).read_text()
        ctl.write_text(text.replace("\nINSTALLUSER=ejabberd\n", "\nINSTALLUSER=\n"))
        ctl.chmod(0o755)
        argv = [str(ctl), "--config-dir", str(d), "--config", str(d / "ejabberd.yml"),
                "--ctl-config", str(d / "ejabberdctl.cfg"), "--logs", str(d / "log"),
                "--spool", str(d / "db"), "foreground"]
        return argv, {**os.environ, "HOME": str(d)}


EJABBERD_YML = """\
hosts:
  - {domain}
loglevel: {loglevel}
log_rotate_count: 0
certfiles:
  - "{pem}"
listen:
  -
    port: {port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 10485760
    access: c2s
    starttls: true
auth_method: internal
auth_password_format: scram
registration_timeout: infinity
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    deny: blocked
    allow: all
  register:
    allow: all
  pubsub_createnode:
    allow: local
shaper_rules:
  max_user_sessions: 10
modules:
  mod_caps: {{}}
  mod_disco: {{}}
  mod_ping: {{}}
  mod_version: {{}}
  mod_roster:
    versioning: true
  mod_register:
    access: register
    ip_access: all
  mod_stream_mgmt: {{}}
  mod_pubsub:
    access_createnode: pubsub_createnode
    plugins:
      - flat
      - pep
{max_items}"""
