"""Staying online, decided without a network: when to try again, and when quiet means dead.

The Supervisor owns one connection's life: it connects, runs the after-connect steps
in order (catch-up, outbox…), waits for the drop, backs off with jitter and starts
again. Every phase is raced against the drop signal, so a drop in any phase leads to
the next attempt; nothing it awaits can outlive the connection it belongs to.
The Liveness policy turns "when did we last hear from the server" into probes and a
verdict. Both take their clock and sleep as arguments, so tests drive them with fake
time. Pure: no slixmpp, no Textual.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

Step = tuple[str, Callable[[], Awaitable[object]]]
Sleep = Callable[[float], Awaitable[None]]


class Phase(enum.Enum):
    """Where the Supervisor is; ``report`` hears every change."""

    IDLE = "idle"
    WAITING = "waiting"  # backing off until the next attempt
    CONNECTING = "connecting"
    SETTING_UP = "setting up"  # the after-connect steps
    ONLINE = "online"
    GIVEN_UP = "given up"  # a final error (wrong password): only retry_now() tries again
    STOPPED = "stopped"


class Dropped(ConnectionError):
    """The connection went away while a phase was running."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: ``base``, doubled per failed attempt up to
    ``ceiling``, each delay spread by ±``jitter`` so that clients dropped together by a
    server restart do not come back together."""

    base: float = 1.0
    ceiling: float = 60.0
    jitter: float = 0.5

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first retry)."""
        plain = min(self.ceiling, self.base * 2 ** max(attempt - 1, 0))
        return max(0.0, plain * (1 - self.jitter + 2 * self.jitter * rng()))


@dataclass(frozen=True, slots=True)
class Report:
    """What the Supervisor tells its owner: the phase, a detail for people (the step
    running, the error that ended an attempt), and when waiting, the next attempt."""

    phase: Phase
    detail: str = ""
    attempt: int = 0
    next_attempt: float | None = None  # wall-clock time (time.time()) of the next try
    error: BaseException | None = None


class Supervisor:
    """Connects, sets up, stays online, and after any drop or failure tries again.

    Args:
        connect: makes one connection; returns True when it resumed the previous session
            (XEP-0198), False for a fresh one; raises on failure.
        after_connect: the steps to run, in order, once connected (given ``resumed``).
            A step that fails without the connection dropping is logged and the next
            step runs: a failed catch-up must not cost the connection.
        is_final: whether a connect error is one that retrying cannot fix.
        report: hears every phase change.
        backoff: read before every wait, so an owner may change it at any time.
    """

    def __init__(self, connect: Callable[[], Awaitable[bool]],
                 after_connect: Callable[[bool], Sequence[Step]], *,
                 is_final: Callable[[BaseException], bool],
                 report: Callable[[Report], None] = lambda _r: None,
                 backoff: Backoff | None = None,
                 sleep: Sleep = asyncio.sleep,
                 wall: Callable[[], float] = time.time,
                 rng: Callable[[], float] = random.random) -> None:
        self.connect = connect
        self.after_connect = after_connect
        self.is_final = is_final
        self.report = report
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.wall = wall
        self.rng = rng
        self.phase = Phase.IDLE
        self.attempt = 0
        self.next_attempt: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._first: asyncio.Future[None] | None = None
        self._drop = asyncio.Event()
        self._drop_reason = ""
        self._failure: BaseException | None = None
        self._wake = asyncio.Event()

    # ------------------------------------------------------------------ control
    async def start(self) -> None:
        """Make the first attempt and wait for its outcome: returns once online (the
        after-connect steps done), raises what the first connect raised. Unless that was
        final, later attempts go on in the background."""
        await self.stop()
        loop = asyncio.get_running_loop()
        self._first = first = loop.create_future()
        self._drop.clear()
        self._task = loop.create_task(self._run())
        await asyncio.shield(first)

    def dropped(self, reason: str = "connection lost") -> None:
        """The connection went away (in any phase); the next attempt follows."""
        self._drop_reason = reason
        self._drop.set()

    def retry_now(self) -> None:
        """Skip the rest of the wait (or leave GIVEN_UP): try again at once."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._settle_first(None)
        if self.phase is not Phase.IDLE:
            self._set(Phase.STOPPED)

    # ------------------------------------------------------------------ the loop
    async def _run(self) -> None:
        attempt = 0
        while True:
            if attempt:
                await self._wait_before(attempt)
            self.attempt = attempt
            try:
                await self._once()
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # noqa: BLE001 - any failure leads to the next try
                self._settle_first(exc)
                self._failure = exc
                if not isinstance(exc, Dropped) and self.is_final(exc):
                    self._set(Phase.GIVEN_UP, str(exc), error=exc)
                    self._wake.clear()
                    await self._wake.wait()
                    attempt = 0
                    continue
                attempt += 1
                continue
            self._settle_first(None)
            await self._drop.wait()
            log.info("connection dropped: %s", self._drop_reason)
            self._failure = Dropped(self._drop_reason)
            attempt = 1

    async def _once(self) -> None:
        self._drop.clear()
        self._set(Phase.CONNECTING, f"attempt {self.attempt}" if self.attempt else "")
        resumed = await self._raced(self.connect())
        for name, step in self.after_connect(bool(resumed)):
            self._set(Phase.SETTING_UP, name)
            started = time.monotonic()
            try:
                await self._raced(step())
            except (Dropped, asyncio.CancelledError):
                raise
            except Exception as exc:  # noqa: BLE001
                if self._drop.is_set():
                    raise Dropped(self._drop_reason) from exc
                log.warning("%s failed: %s", name, exc)
            else:
                log.info("%s took %.2f s", name, time.monotonic() - started)
        if self._drop.is_set():
            raise Dropped(self._drop_reason)
        self._set(Phase.ONLINE, "resumed" if resumed else "")

    async def _raced(self, work: Awaitable[object]) -> object:
        """Await ``work`` unless the connection drops first (then it is cancelled)."""
        task = asyncio.ensure_future(work)
        dropped = asyncio.ensure_future(self._drop.wait())
        try:
            await asyncio.wait({task, dropped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
            if not task.done():
                task.cancel()
                try:
                    await task
                except BaseException:  # noqa: BLE001 - its outcome no longer matters
                    pass
        if task.cancelled():
            raise Dropped(self._drop_reason)
        return task.result()

    async def _wait_before(self, attempt: int) -> None:
        delay = self.backoff.delay(attempt, self.rng)
        self.next_attempt = self.wall() + delay
        failure = self._failure
        self._set(Phase.WAITING, str(failure) if failure else "", attempt=attempt,
                  error=failure)
        self._wake.clear()
        sleeper = asyncio.ensure_future(self.sleep(delay))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()
            self.next_attempt = None

    def _set(self, phase: Phase, detail: str = "", *, attempt: int | None = None,
             error: BaseException | None = None) -> None:
        self.phase = phase
        self.report(Report(phase, detail, self.attempt if attempt is None else attempt,
                           self.next_attempt, error))

    def _settle_first(self, exc: BaseException | None) -> None:
        first = self._first
        if first is None or first.done():
            return
        if exc is None:
            first.set_result(None)
        else:
            first.set_exception(exc)


@dataclass(frozen=True, slots=True)
class Liveness:
    """When a quiet connection gets a probe, and when an unanswered probe means dead.

    ``interval``: seconds without hearing anything before a probe goes out;
    ``timeout``: seconds a probe may go unanswered. A dead path is noticed at most
    ``interval + timeout`` (plus one check tick) after the last thing heard.
    """

    interval: float = 20.0
    timeout: float = 20.0
    # After a request went unanswered, the probe that checks the path gets less time:
    # the request has waited long already.
    suspicion_timeout: float = 10.0

    def verdict(self, now: float, heard: float, probed: float | None,
                timeout: float | None = None) -> str:
        """"dead", "probe" or "ok", from the time now, last heard and last probed."""
        if probed is not None and heard < probed:
            return "dead" if now - probed >= (timeout or self.timeout) else "ok"
        return "probe" if now - heard >= self.interval else "ok"

    @property
    def tick(self) -> float:
        return max(0.25, min(self.interval, self.timeout) / 4)


async def watch(policy: Liveness, heard: Callable[[], float], probe: Callable[[], None],
                dead: Callable[[float], None], *, clock: Callable[[], float] = time.monotonic,
                sleep: Sleep = asyncio.sleep, suspected: asyncio.Event | None = None) -> None:
    """Probe a quiet connection and call ``dead(silence)`` once a probe goes unanswered.

    ``suspected`` set by someone (a request that timed out) sends a probe at once,
    whatever the interval. Returns after calling ``dead``.
    """
    probed: float | None = None
    timeout = policy.timeout
    while True:
        now = clock()
        verdict = policy.verdict(now, heard(), probed, timeout)
        if suspected is not None and suspected.is_set():
            suspected.clear()
            if probed is None or heard() >= probed:
                verdict = "probe"
                timeout = min(policy.timeout, policy.suspicion_timeout)
        elif verdict == "probe":
            timeout = policy.timeout
        if verdict == "dead":
            dead(now - heard())
            return
        if verdict == "probe":
            probed = now
            probe()
        await _nap(sleep, min(policy.tick, timeout / 4), suspected)


async def _nap(sleep: Sleep, seconds: float, wake: asyncio.Event | None) -> None:
    """Sleep, but wake at once when ``wake`` is set."""
    if wake is None:
        await sleep(seconds)
        return
    napping = asyncio.ensure_future(sleep(seconds))
    woken = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({napping, woken}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        napping.cancel()
        woken.cancel()
