"""What a scenario file says, once parsed and checked (harness/loader.py builds these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any


@dataclass(frozen=True)
class Expression:
    """A Python expression from the file, compiled at load time so syntax errors name the file and step."""

    source: str
    code: CodeType
    where: str  # e.g. "scenarios/x.yaml: steps[2] (do)"


@dataclass(frozen=True)
class DoStep:
    expression: Expression
    save: str | None = None
    as_person: str | None = None
    within: float = 0.0  # seconds; > 0: re-run while it raises, until the deadline (eventual steps)


@dataclass(frozen=True)
class HttpStep:
    twin: str
    method: str
    path: str
    where: str
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    expect_status: int | None = None
    save: str | None = None


@dataclass(frozen=True)
class WaitStep:
    seconds: float


Step = DoStep | HttpStep | WaitStep


@dataclass(frozen=True)
class EntryPattern:
    """Matches journal entries: every given field must match (status may be `>=500`, `5xx`, `201`)."""

    twin: str | None = None
    operation: str | None = None  # glob, e.g. `chat.*`
    method: str | None = None
    path: str | None = None  # substring
    status: str | None = None

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in vars(self).items() if v is not None]
        return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class JournalCheck:
    in_order: tuple[EntryPattern, ...] = ()
    some: tuple[EntryPattern, ...] = ()  # `any:` in the file: each pattern matched at least once
    none: tuple[EntryPattern, ...] = ()
    count: tuple[tuple[EntryPattern, str], ...] = ()  # pattern with a count condition, e.g. ">=2"


@dataclass(frozen=True)
class Expectation:
    where: str
    that: Expression | None = None
    journal: JournalCheck | None = None
    within: float = 0.0  # seconds; 0 = judged once
    because: str | None = None
    as_person: str | None = None


@dataclass(frozen=True)
class SystemSpec:
    command: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    ready: str | None = None
    ready_timeout: float = 20.0
    cwd: str | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    story: str
    universe: Any  # a path, a mapping, None for the default universe, or "none"
    steps: tuple[Step, ...]
    expect: tuple[Expectation, ...]
    system: SystemSpec | None = None
    runs: int | None = None  # the file's default, overridden by --runs
    faults: str | None = None  # a profile name or path, overridden by --faults
