"""A loopback TCP relay between the client and a test server, to break the path on cue.

It runs in its own thread (so it keeps working while a test's loop is busy, and for
the CLI run as a subprocess). Faults act on the connections open now:

- ``close()``: both sides get a FIN, as when a server or a NAT drops the connection;
- ``half_open()``: the server side is closed, the client's side stays open and silent,
  so the client believes it is still connected (what a crashed peer or a lost NAT
  entry leaves behind);
- ``black_hole()``: nothing more passes in either direction and nobody is told (a
  path that died without FIN or RST).

``new = "pass" | "black_hole" | "close"`` decides what happens to connections made
from then on; ``close`` accepts and closes at once. ``upload_limit`` makes the relay
a middlebox that cuts any connection once the client has sent that many bytes on it.
"""

from __future__ import annotations

import selectors
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket | None
    mode: str = "pass"  # pass, black_hole, half_open
    to_server: bytearray = field(default_factory=bytearray)
    to_client: bytearray = field(default_factory=bytearray)
    uploaded: int = 0


class Relay:
    """Listens on 127.0.0.1:``port`` and relays to ``target_host:target_port``."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.new = "pass"
        self.upload_limit: int | None = None
        self.cut = 0  # connections cut for going over upload_limit
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.host, self.port = "127.0.0.1", self._listener.getsockname()[1]
        self._pairs: list[_Pair] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._commands: list[tuple[object, threading.Event]] = []
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector.register(self._listener, selectors.EVENT_READ, "listen")
        self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        self.accepted = 0
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ faults
    def close(self) -> None:
        """Drop every open connection with a FIN on both sides."""
        self._do(self._close)

    def half_open(self) -> None:
        """Close the server's side; keep the client's open and say nothing to it."""
        self._do(self._half_open)

    def black_hole(self) -> None:
        """Let nothing through on the open connections, telling nobody."""
        self._do(self._black_hole)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def stop(self) -> None:
        self._do(self._close)
        self._stopped = True
        self._wake()
        self._thread.join(5)
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()

    def _do(self, action) -> None:  # type: ignore[no-untyped-def]
        """Run ``action`` on the relay's thread (the selector is not shared) and wait."""
        done = threading.Event()
        with self._lock:
            self._commands.append((action, done))
        self._wake()
        if not done.wait(10):
            raise RuntimeError("the relay thread did not answer")

    def _close(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            self._forget(pair)

    def _half_open(self) -> None:
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            if pair.server is not None:
                self._unregister(pair.server)
                _shut(pair.server)
                pair.server = None
            pair.mode = "half_open"

    def _black_hole(self) -> None:
        with self._lock:
            for pair in self._pairs:
                pair.mode = "black_hole"

    # ------------------------------------------------------------------ the thread
    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stopped:
            with self._lock:
                commands, self._commands = self._commands, []
            for action, done in commands:
                action()
                done.set()
            for key, _ in self._selector.select(0.5):
                if key.data == "wake":
                    try:
                        self._wake_r.recv(4096)
                    except OSError:
                        pass
                elif key.data == "listen":
                    self._accept()
                else:
                    self._relay(key.fileobj, key.data)  # type: ignore[arg-type]

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        self.accepted += 1
        if self.new == "close":
            _shut(client)
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            _shut(client)
            return
        for sock in (client, server):
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pair = _Pair(client, server, "black_hole" if self.new == "black_hole" else "pass")
        with self._lock:
            self._pairs.append(pair)
        self._selector.register(client, selectors.EVENT_READ, (pair, "client"))
        self._selector.register(server, selectors.EVENT_READ, (pair, "server"))

    def _relay(self, sock: socket.socket, data: tuple[_Pair, str]) -> None:
        pair, side = data
        try:
            chunk = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            if pair.mode == "pass":
                with self._lock:
                    if pair in self._pairs:
                        self._pairs.remove(pair)
                self._forget(pair)
            else:  # a broken path does not carry the end of the other side either
                self._unregister(sock)
                if side == "server":
                    _shut(sock)
                    pair.server = None
            return
        if pair.mode != "pass":
            return  # swallowed
        if side == "client":
            pair.uploaded += len(chunk)
            if self.upload_limit is not None and pair.uploaded > self.upload_limit:
                self.cut += 1
                with self._lock:
                    if pair in self._pairs:
                        self._pairs.remove(pair)
                self._forget(pair)
                return
        other = pair.server if side == "client" else pair.client
        if other is None:
            return
        try:
            other.setblocking(True)
            other.sendall(chunk)
            other.setblocking(False)
        except OSError:
            with self._lock:
                if pair in self._pairs:
                    self._pairs.remove(pair)
            self._forget(pair)

    def _unregister(self, sock: socket.socket) -> None:
        try:
            self._selector.unregister(sock)
        except (KeyError, ValueError):
            pass

    def _forget(self, pair: _Pair) -> None:
        for sock in (pair.client, pair.server):
            if sock is not None:
                self._unregister(sock)
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
