"""Running scenarios: N trajectories each, P at a time, each in fresh tenants of every twin.

A trajectory: create the tenant in every twin, seed the universe, post the fault profile's
rules, start the system under test, run the steps, judge the expectations (eventual ones
polled until their deadline), collect the fleet-wide journal, delete the tenant.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from harness import universes
from harness.fault_profiles import FaultProfile
from harness.fleet import Fleet
from harness.journal_checks import judge
from harness.model import DoStep, Expectation, HttpStep, Scenario, WaitStep
from harness.namespace import Clients, LiveJournal, build_namespace
from harness.records import record
from harness.stats import Satisfaction, satisfaction
from harness.system import SystemProcess, SystemUnderTestError

POLL_FIRST, POLL_MAX = 0.02, 0.5  # eventual expectations: first re-check, then doubling up to this


@dataclass
class RunConfig:
    runs: int | None = None  # None: the scenario's own `runs:`, else 1... see runs_for
    parallel: int = 4
    faults: FaultProfile | None = None
    seed: str = "0"
    default_runs: int = 10


@dataclass
class Trajectory:
    scenario: str
    index: int
    tenant: str
    seed: str
    satisfied: bool = False
    outcome: str = "unsatisfied"  # satisfied | unsatisfied | error (the harness or fleet failed)
    reasons: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    steps_done: int = 0
    journal: list[dict[str, Any]] = field(default_factory=list)
    system_output: str = ""
    phases: dict[str, float] = field(default_factory=dict)  # seconds: setup, steps, expect, teardown

    def to_dict(self, with_journal: bool) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "journal"}
        data["journal_entries"] = len(self.journal)
        if with_journal:
            data["journal"] = self.journal
        return data


@dataclass
class ScenarioResult:
    scenario: Scenario
    trajectories: list[Trajectory] = field(default_factory=list)
    error: str | None = None  # the scenario could not run at all (its universe failed to load, ...)

    @property
    def satisfaction(self) -> Satisfaction:
        return satisfaction(sum(t.satisfied for t in self.trajectories), len(self.trajectories))


@dataclass
class SuiteResult:
    scenarios: list[ScenarioResult]
    duration_s: float
    seed: str
    faults: str | None

    @property
    def satisfaction(self) -> Satisfaction:
        runs = [t for s in self.scenarios for t in s.trajectories]
        return satisfaction(sum(t.satisfied for t in runs), len(runs))


class StepFailed(Exception):
    pass


def _short(source: str, limit: int = 120) -> str:
    text = " ".join(source.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:400] if text else ''}".rstrip(": ")


class TrajectoryRun:
    """One trajectory's state while it runs."""

    def __init__(self, fleet: Fleet, scenario: Scenario, universe: Any, trajectory: Trajectory) -> None:
        self.fleet = fleet
        self.scenario = scenario
        self.universe = universe
        self.trajectory = trajectory
        self.saved: dict[str, Any] = {}
        self.people = universes.people(universe)
        self.started = time.time()
        self.clients: Clients | None = None
        self.system: SystemProcess | None = None
        self._namespaces: dict[str | None, dict[str, Any]] = {}

    def journal(self) -> list[dict[str, Any]]:
        return self.fleet.journal(self.trajectory.tenant, since=self.started - 1.0)

    def namespace(self, as_person: str | None) -> dict[str, Any]:
        assert self.clients is not None
        if as_person is not None and as_person not in self.people:
            raise StepFailed(f"as: no person {as_person!r} in the universe")
        base = self._namespaces.get(as_person)
        if base is None:
            extra: dict[str, Any] = {}
            if self.system is not None:
                extra = {"system": self.system.url, "port": self.system.port}
            base = build_namespace(
                self.clients,
                self.fleet,
                self.trajectory.tenant,
                self.people,
                {},
                LiveJournal(self.journal),
                extra,
                self.people.get(as_person) if as_person else None,
            )
            self._namespaces[as_person] = base
        return {**base, **self.saved}

    # Phases
    def setup(self, faults: FaultProfile | None) -> None:
        tenant = self.trajectory.tenant
        credentials = {
            twin: self.fleet.create_tenant(twin, tenant, f"{self.scenario.name} #{self.trajectory.index}")
            for twin in self.fleet.urls
        }
        if self.universe is not None:
            universes.apply(self.universe, self.fleet, tenant)
            credentials = {twin: self.fleet.credentials(twin, tenant) for twin in self.fleet.urls}
        if faults is not None:
            for twin, rules in faults.rules_for(tenant, self.trajectory.seed).items():
                if twin in self.fleet.urls:
                    for rule in rules:
                        self.fleet.add_fault(twin, rule)
        self.clients = Clients(credentials, self.fleet.client, self.fleet.verify)
        if self.scenario.system is not None:
            self.system = SystemProcess(self.scenario.system, self.scenario.path.parent, credentials, tenant)
            self.system.start()

    def run_steps(self) -> None:
        for i, step in enumerate(self.scenario.steps):
            if isinstance(step, WaitStep):
                time.sleep(step.seconds)
            elif isinstance(step, DoStep):
                value = self._do(i, step)
                if step.save:
                    self.saved[step.save] = value
            elif isinstance(step, HttpStep):
                self._http(i, step)
            self.trajectory.steps_done = i + 1

    def _do(self, i: int, step: DoStep) -> Any:
        """The step's value; with `within:`, re-run while it raises (polled as eventual expectations are)."""
        expression = step.expression
        deadline = time.monotonic() + step.within
        pause = POLL_FIRST
        while True:
            try:
                return eval(expression.code, self.namespace(step.as_person))  # scenarios are code
            except StepFailed:
                raise
            except Exception as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    waited = f" (retried for {step.within:g} s)" if step.within else ""
                    raise StepFailed(
                        f"steps[{i}] `{_short(expression.source)}` raised {_describe(exc)}{waited}"
                    ) from exc
            # The last try falls on the deadline itself: the whole window is waited out.
            time.sleep(min(pause, max(left, 0.0)))
            pause = min(pause * 2, POLL_MAX)

    def _http(self, i: int, step: HttpStep) -> None:
        client = self.namespace(None)["http"][step.twin]
        try:
            response = client.request(step.method, step.path, json=step.json, params=step.params, headers=step.headers)
        except Exception as exc:
            raise StepFailed(f"steps[{i}] http {step.method} {step.path} raised {_describe(exc)}") from exc
        if step.expect_status is not None and response.status_code != step.expect_status:
            raise StepFailed(
                f"steps[{i}] http {step.method} {step.twin}{step.path} answered {response.status_code}, "
                f"expected {step.expect_status}: {response.text[:300]}"
            )
        if step.save:
            try:
                self.saved[step.save] = record(response.json())
            except ValueError:
                self.saved[step.save] = response.text

    def judge(self) -> list[str]:
        reasons = []
        for i, expectation in enumerate(self.scenario.expect):
            reason = self._judge_one(i, expectation)
            if reason is not None:
                reasons.append(reason)
        return reasons

    def _judge_one(self, i: int, expectation: Expectation) -> str | None:
        deadline = time.monotonic() + expectation.within
        pause = POLL_FIRST
        while True:
            problem = self._check(expectation)
            if problem is None:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                break
            # The last check falls on the deadline itself: the whole window is waited out.
            time.sleep(min(pause, left))
            pause = min(pause * 2, POLL_MAX)
        waited = f" after {expectation.within:g} s" if expectation.within else ""
        because = f" (because {expectation.because})" if expectation.because else ""
        return f"expect[{i}]{waited}: {problem}{because}"

    def _check(self, expectation: Expectation) -> str | None:
        if expectation.that is not None:
            source = _short(expectation.that.source)
            try:
                value = eval(expectation.that.code, self.namespace(expectation.as_person))
            except StepFailed as exc:
                return str(exc)
            except Exception as exc:
                return f"`{source}` raised {_describe(exc)}"
            return None if value else f"`{source}` is {_short(repr(value), 200)}"
        assert expectation.journal is not None
        failures = judge(expectation.journal, self.journal())
        return "; ".join(failures) if failures else None

    def teardown(self) -> None:
        if self.system is not None:
            self.trajectory.system_output = self.system.stop()
        if self.clients is not None:
            self.clients.close()
        for twin in self.fleet.urls:
            with contextlib.suppress(Exception):  # a tenant left behind never fails the run
                self.fleet.delete_tenant(twin, self.trajectory.tenant)


def run_trajectory(fleet: Fleet, scenario: Scenario, universe: Any, index: int, config: RunConfig) -> Trajectory:
    trajectory = Trajectory(
        scenario=scenario.name,
        index=index,
        tenant="h" + uuid.uuid4().hex[:15],
        seed=f"{config.seed}:{scenario.name}:{index}",
    )
    run = TrajectoryRun(fleet, scenario, universe, trajectory)
    started = clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        trajectory.phases[phase] = round(now - clock, 6)
        clock = now

    try:
        try:
            run.setup(config.faults)
        except SystemUnderTestError as exc:
            trajectory.reasons.append(str(exc))
            raise StepFailed("setup") from exc
        lap("setup")
        run.run_steps()
        lap("steps")
        trajectory.reasons.extend(run.judge())
        lap("expect")
        trajectory.satisfied = not trajectory.reasons
        trajectory.outcome = "satisfied" if trajectory.satisfied else "unsatisfied"
    except StepFailed as exc:
        if str(exc) != "setup":
            trajectory.reasons.append(str(exc))
    except Exception as exc:  # the harness or the fleet failed: not the system's doing, but not satisfied
        trajectory.outcome = "error"
        trajectory.reasons.append(f"harness error: {_describe(exc)}")
        trajectory.reasons.append(traceback.format_exc(limit=6))
    finally:
        try:
            trajectory.journal = run.journal()
        except Exception as exc:
            trajectory.reasons.append(f"journal not collected: {_describe(exc)}")
        clock = time.perf_counter()
        run.teardown()
        lap("teardown")
        trajectory.duration_s = time.perf_counter() - started
    return trajectory


def runs_for(scenario: Scenario, config: RunConfig) -> int:
    if config.runs is not None:
        return config.runs
    return scenario.runs or config.default_runs


def run_suite(
    fleet: Fleet,
    scenarios: list[Scenario],
    config: RunConfig,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[Trajectory], None] | None = None,
) -> SuiteResult:
    """Every scenario's trajectories through one pool of `config.parallel` threads."""
    started = time.perf_counter()
    results = [ScenarioResult(s) for s in scenarios]
    work: list[tuple[ScenarioResult, Any, int]] = []
    for result in results:
        try:
            universe = universes.load_for(result.scenario)
        except ValueError as exc:
            result.error = str(exc)
            continue
        work.extend((result, universe, i) for i in range(runs_for(result.scenario, config)))
    if on_start is not None:
        on_start(len(work))
    lock = threading.Lock()

    def one(item: tuple[ScenarioResult, Any, int]) -> None:
        result, universe, index = item
        trajectory = run_trajectory(fleet, result.scenario, universe, index, config)
        with lock:
            result.trajectories.append(trajectory)
            if on_result is not None:
                on_result(trajectory)

    with ThreadPoolExecutor(max_workers=max(1, config.parallel), thread_name_prefix="trajectory") as pool:
        for future in [pool.submit(one, item) for item in work]:
            future.result()
    for result in results:
        result.trajectories.sort(key=lambda t: t.index)
    faults = config.faults.name if config.faults else None
    return SuiteResult(results, time.perf_counter() - started, config.seed, faults)
