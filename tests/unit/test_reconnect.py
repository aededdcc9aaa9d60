"""The reconnection state machine and the liveness policy, driven by fake time."""

from __future__ import annotations

import asyncio

import pytest

from xmppsocial.reconnect import Backoff, Dropped, Liveness, Phase, Report, Supervisor, watch


class FakeTime:
    """A clock that moves only when told; sleepers wake when their time has come."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_000_000.0 + self.now

    async def sleep(self, delay: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.now + delay, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for when, future in list(self.sleepers):
            if when <= self.now and not future.done():
                future.set_result(None)
        self.sleepers = [(w, f) for w, f in self.sleepers if not f.done()]
        await settle()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


class Final(Exception):
    pass


class Rig:
    """A Supervisor over scripted connect outcomes and steps, recording what it reports."""

    def __init__(self, outcomes: list[object], steps: tuple[str, ...] = ("catch up", "outbox"),
                 backoff: Backoff | None = None) -> None:
        self.time = FakeTime()
        self.outcomes = outcomes
        self.reports: list[Report] = []
        self.ran: list[str] = []
        self.hold: dict[str, asyncio.Future[None]] = {}
        self.step_names = steps
        self.supervisor = Supervisor(self.connect, self.steps, is_final=lambda e: isinstance(
            e, Final), report=self.reports.append, backoff=backoff or Backoff(1.0, 8.0, 0.0),
            sleep=self.time.sleep,
            wall=self.time.wall, rng=lambda: 0.5)

    async def connect(self) -> bool:
        outcome = self.outcomes.pop(0) if self.outcomes else False
        self.ran.append("connect")
        if outcome == "hang":
            await asyncio.get_running_loop().create_future()
        if isinstance(outcome, BaseException):
            raise outcome
        return bool(outcome)

    def steps(self, resumed: bool):
        def make(name: str):
            async def step() -> None:
                self.ran.append(name)
                if name in self.hold:
                    await self.hold[name]
                if name == "boom":
                    raise RuntimeError("step failed")
            return step
        return [(name, make(name)) for name in self.step_names if not resumed or name != "catch up"]

    @property
    def phases(self) -> list[Phase]:
        return [r.phase for r in self.reports]


async def test_first_attempt_runs_the_steps_in_order_then_is_online() -> None:
    rig = Rig([False])
    await rig.supervisor.start()
    assert rig.ran == ["connect", "catch up", "outbox"]
    assert rig.phases == [Phase.CONNECTING, Phase.SETTING_UP, Phase.SETTING_UP, Phase.ONLINE]
    assert [r.detail for r in rig.reports[1:3]] == ["catch up", "outbox"]
    await rig.supervisor.stop()
    assert rig.supervisor.phase is Phase.STOPPED


async def test_a_resumed_session_skips_the_catch_up() -> None:
    rig = Rig([True])
    await rig.supervisor.start()
    assert rig.ran == ["connect", "outbox"]
    assert rig.reports[-1] == Report(Phase.ONLINE, "resumed", 0, None, None)
    await rig.supervisor.stop()


async def test_a_failed_first_attempt_raises_and_retries_with_growing_backoff() -> None:
    rig = Rig([OSError("refused"), OSError("refused"), OSError("refused"), False])
    with pytest.raises(OSError):
        await rig.supervisor.start()
    await settle()
    waiting = rig.reports[-1]
    assert waiting.phase is Phase.WAITING and waiting.detail == "refused"
    assert waiting.next_attempt == rig.time.wall() + 1.0  # base, no jitter (rng 0.5)
    await rig.time.advance(0.99)
    assert rig.ran == ["connect"]
    await rig.time.advance(0.01)
    assert rig.ran == ["connect", "connect"]
    assert rig.reports[-1].next_attempt == rig.time.wall() + 2.0  # doubled
    await rig.time.advance(2.0)
    assert rig.reports[-1].next_attempt == rig.time.wall() + 4.0
    await rig.time.advance(4.0)
    assert rig.supervisor.phase is Phase.ONLINE
    assert rig.ran[-2:] == ["catch up", "outbox"]
    await rig.supervisor.stop()


async def test_backoff_is_capped_and_jittered() -> None:
    backoff = Backoff(1.0, 60.0, 0.5)
    assert [backoff.delay(n, lambda: 0.5) for n in (1, 2, 3, 7, 8, 20)] == [
        1.0, 2.0, 4.0, 60.0, 60.0, 60.0]
    assert backoff.delay(3, lambda: 0.0) == 2.0 and backoff.delay(3, lambda: 1.0) == 6.0


async def test_a_final_error_waits_for_retry_now() -> None:
    rig = Rig([Final("the server refused the password"), False])
    with pytest.raises(Final):
        await rig.supervisor.start()
    await settle()
    assert rig.supervisor.phase is Phase.GIVEN_UP
    await rig.time.advance(3600)
    assert rig.ran == ["connect"]  # no hammering
    rig.supervisor.retry_now()
    await settle()
    assert rig.supervisor.phase is Phase.ONLINE and rig.ran.count("connect") == 2
    await rig.supervisor.stop()


@pytest.mark.parametrize("phase", ["connect", "catch up", "outbox", "online"])
async def test_a_drop_in_any_phase_leads_to_the_next_attempt(phase: str) -> None:
    """The defect: a drop during catch-up or the outbox flush, while a request was still
    waiting out its timeout, ended reconnecting for good."""
    rig = Rig(["hang" if phase == "connect" else False, False])
    if phase in ("catch up", "outbox"):
        rig.hold[phase] = asyncio.get_running_loop().create_future()  # a request that hangs
    first = asyncio.ensure_future(rig.supervisor.start())
    await settle()
    rig.supervisor.dropped("connection lost")
    await settle()
    if phase == "online":
        await first
    else:
        with pytest.raises(Dropped):
            await first
    assert rig.supervisor.phase is Phase.WAITING
    assert rig.reports[-1].detail == "connection lost" and rig.reports[-1].attempt == 1
    rig.hold.clear()
    await rig.time.advance(1.0)
    assert rig.supervisor.phase is Phase.ONLINE
    assert rig.ran.count("connect") == 2
    await rig.supervisor.stop()


async def test_a_failing_step_does_not_cost_the_connection() -> None:
    rig = Rig([False], steps=("boom", "outbox"))
    await rig.supervisor.start()
    assert rig.ran == ["connect", "boom", "outbox"] and rig.supervisor.phase is Phase.ONLINE
    await rig.supervisor.stop()


async def test_retry_now_cuts_the_wait_short() -> None:
    rig = Rig([OSError("down"), OSError("down"), OSError("down"), False],
              backoff=Backoff(30.0, 60.0, 0.0))
    with pytest.raises(OSError):
        await rig.supervisor.start()
    await settle()
    assert rig.supervisor.next_attempt == rig.time.wall() + 30.0
    rig.supervisor.retry_now()
    await settle()
    assert rig.ran.count("connect") == 2
    rig.supervisor.retry_now()
    await settle()
    rig.supervisor.retry_now()
    await settle()
    assert rig.supervisor.phase is Phase.ONLINE and rig.time.now == 0.0
    await rig.supervisor.stop()


async def test_stop_ends_every_wait() -> None:
    rig = Rig(["hang"])
    first = asyncio.ensure_future(rig.supervisor.start())
    await settle()
    await rig.supervisor.stop()
    await first  # released, not left hanging
    assert not rig.supervisor.running and rig.supervisor.phase is Phase.STOPPED


# ---------------------------------------------------------------------------- liveness
def test_liveness_verdicts() -> None:
    policy = Liveness(interval=20, timeout=10)
    assert policy.verdict(now=19, heard=0, probed=None) == "ok"
    assert policy.verdict(now=20, heard=0, probed=None) == "probe"
    assert policy.verdict(now=29, heard=0, probed=20) == "ok"  # waiting for the answer
    assert policy.verdict(now=30, heard=0, probed=20) == "dead"
    assert policy.verdict(now=30, heard=25, probed=20) == "ok"  # answered
    assert policy.verdict(now=45, heard=25, probed=20) == "probe"  # quiet again


async def test_a_black_holed_path_is_declared_dead_after_interval_plus_timeout() -> None:
    fake = FakeTime()
    probes: list[float] = []
    verdicts: list[float] = []
    heard = 0.0
    task = asyncio.ensure_future(watch(Liveness(20, 10), lambda: heard,
                                       lambda: probes.append(fake.now), verdicts.append,
                                       clock=fake.clock, sleep=fake.sleep))
    await settle()
    for _ in range(200):
        await fake.advance(0.5)
        if task.done():
            break
    assert probes == [20.0] and verdicts == [30.0] and task.done()


async def test_an_answered_probe_keeps_the_connection_and_a_suspicion_probes_at_once() -> None:
    fake = FakeTime()
    probes: list[float] = []
    dead: list[float] = []
    suspected = asyncio.Event()
    heard = {"at": 0.0}

    def probe() -> None:
        probes.append(fake.now)
        heard["at"] = fake.now + 0.5  # the server answers half a second later

    task = asyncio.ensure_future(watch(Liveness(20, 10), lambda: heard["at"], probe,
                                       dead.append, clock=fake.clock, sleep=fake.sleep,
                                       suspected=suspected))
    await settle()
    while fake.now < 50:
        await fake.advance(0.5)
    assert probes == [20.0, 42.5] and not dead  # checks every 2.5 s; each probe answered
    suspected.set()  # a request timed out at 50: probe now, not at 65
    await settle()
    assert probes == [20.0, 42.5, 50.0] and not dead
    task.cancel()


async def test_a_request_timeout_gets_the_dead_path_noticed_sooner() -> None:
    """A request that timed out makes the path checked at once, with a shorter wait."""
    fake = FakeTime()
    dead: list[float] = []
    suspected = asyncio.Event()
    task = asyncio.ensure_future(watch(Liveness(60, 30, suspicion_timeout=5), lambda: 0.0,
                                       lambda: None, dead.append, clock=fake.clock,
                                       sleep=fake.sleep, suspected=suspected))
    await settle()
    await fake.advance(30)  # quiet, but the interval (60 s) is not over
    assert not dead
    suspected.set()
    await settle()
    while not dead and fake.now < 100:
        await fake.advance(0.25)
    # probed at once (30), dead 5 s later; unsuspected it would be 90
    assert dead == [35.0] and task.done()
