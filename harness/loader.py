"""Scenario files (YAML) to `Scenario`s, with errors that name the file and the step."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from harness.durations import parse_duration
from harness.model import (
    DoStep,
    EntryPattern,
    Expectation,
    Expression,
    HttpStep,
    JournalCheck,
    Scenario,
    Step,
    SystemSpec,
    WaitStep,
)

TWINS = ("okta", "jira", "slack", "google")
SCENARIO_SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOP_KEYS = {"name", "story", "universe", "system", "steps", "expect", "runs", "faults"}


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message starts with `file: where:`."""


def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def compile_expression(source: Any, where: str) -> Expression:
    if not isinstance(source, str) or not source.strip():
        raise _fail(where, "expected a Python expression (a non-empty string)")
    text = source.strip()
    try:
        code = compile(text, where, "eval")
    except SyntaxError as exc:
        raise _fail(where, f"not a valid Python expression: {exc.msg} in {text!r}") from None
    return Expression(text, code, where)


def _name(value: Any, where: str, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _NAME.match(value):
        raise _fail(where, f"{what} must be a simple name (letters, digits, _), got {value!r}")
    return value


def _keys(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {unknown}; expected some of {sorted(allowed)}")


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict):
        raise _fail(where, "a step is a mapping with one of do:, http: or wait:")
    kinds = [k for k in ("do", "http", "wait") if k in raw]
    if len(kinds) != 1:
        raise _fail(where, "a step has exactly one of do:, http: or wait:")
    kind = kinds[0]
    where = f"{where} ({kind})"
    if kind == "wait":
        _keys(raw, {"wait"}, where)
        try:
            return WaitStep(parse_duration(raw["wait"]))
        except ValueError as exc:
            raise _fail(where, str(exc)) from None
    if kind == "do":
        _keys(raw, {"do", "save", "as", "within"}, where)
        try:
            within = parse_duration(raw.get("within", 0))
        except ValueError as exc:
            raise _fail(where, f"within: {exc}") from None
        return DoStep(
            compile_expression(raw["do"], where),
            save=_name(raw.get("save"), where, "save"),
            as_person=_name(raw.get("as"), where, "as"),
            within=within,
        )
    _keys(raw, {"http", "save"}, where)
    spec = raw["http"]
    if not isinstance(spec, dict):
        raise _fail(where, "http: takes a mapping {twin, method, path, ...}")
    _keys(spec, {"twin", "method", "path", "json", "params", "headers", "expect_status"}, where)
    twin, path = spec.get("twin"), spec.get("path")
    if twin not in TWINS:
        raise _fail(where, f"twin must be one of {list(TWINS)}, got {twin!r}")
    if not isinstance(path, str) or not path.startswith("/"):
        raise _fail(where, f"path must start with /, got {path!r}")
    status = spec.get("expect_status")
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        raise _fail(where, f"expect_status must be an HTTP status, got {status!r}")
    for key in ("params", "headers"):
        if spec.get(key) is not None and not isinstance(spec[key], dict):
            raise _fail(where, f"{key} must be a mapping")
    return HttpStep(
        twin=twin,
        method=str(spec.get("method", "GET")).upper(),
        path=path,
        where=where,
        json=spec.get("json"),
        params=spec.get("params"),
        headers={str(k): str(v) for k, v in spec["headers"].items()} if spec.get("headers") else None,
        expect_status=status,
        save=_name(raw.get("save"), where, "save"),
    )


_STATUS = re.compile(r"^(?:[1-5]xx|[1-5]\d\d|(?:>=|<=|>|<|==|!=)\s*\d{3})$")


def _pattern(raw: Any, where: str) -> EntryPattern:
    if not isinstance(raw, dict):
        raise _fail(where, "a journal pattern is a mapping like {twin: okta, operation: addUserToGroup}")
    _keys(raw, {"twin", "operation", "method", "path", "status"}, where)
    if raw.get("twin") is not None and raw["twin"] not in TWINS:
        raise _fail(where, f"twin must be one of {list(TWINS)}, got {raw['twin']!r}")
    status = raw.get("status")
    if status is not None:
        status = str(status).strip()
        if not _STATUS.match(status):
            raise _fail(where, f"status must be like 200, 5xx or >=500, got {raw['status']!r}")
    return EntryPattern(
        twin=raw.get("twin"),
        operation=None if raw.get("operation") is None else str(raw["operation"]),
        method=None if raw.get("method") is None else str(raw["method"]).upper(),
        path=None if raw.get("path") is None else str(raw["path"]),
        status=status,
    )


def _patterns(raw: Any, where: str) -> tuple[EntryPattern, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise _fail(where, "expected a list of journal patterns")
    return tuple(_pattern(item, f"{where}[{i}]") for i, item in enumerate(raw))


_COUNT = re.compile(r"^(?:>=|<=|>|<|==)?\s*\d+$")


def _journal(raw: Any, where: str) -> JournalCheck:
    if not isinstance(raw, dict):
        raise _fail(where, "journal: takes a mapping with in_order:, any:, none: or count:")
    _keys(raw, {"in_order", "any", "none", "count"}, where)
    counts = []
    for i, item in enumerate(raw.get("count") or []):
        item_where = f"{where}.count[{i}]"
        if not isinstance(item, dict) or "is" not in item:
            raise _fail(item_where, "a count is a pattern plus `is:` (e.g. {twin: slack, status: 429, is: '>=1'})")
        condition = str(item["is"]).strip()
        if not _COUNT.match(condition):
            raise _fail(item_where, f"is: must be like 2, >=1 or <3, got {item['is']!r}")
        counts.append((_pattern({k: v for k, v in item.items() if k != "is"}, item_where), condition))
    check = JournalCheck(
        in_order=_patterns(raw.get("in_order"), f"{where}.in_order"),
        some=_patterns(raw.get("any"), f"{where}.any"),
        none=_patterns(raw.get("none"), f"{where}.none"),
        count=tuple(counts),
    )
    if not (check.in_order or check.some or check.none or check.count):
        raise _fail(where, "journal: needs at least one of in_order:, any:, none:, count:")
    return check


def _expectation(raw: Any, where: str) -> Expectation:
    if not isinstance(raw, dict):
        raise _fail(where, "an expectation is a mapping with that: or journal:")
    _keys(raw, {"that", "journal", "within", "because", "as"}, where)
    if ("that" in raw) == ("journal" in raw):
        raise _fail(where, "an expectation has exactly one of that: or journal:")
    try:
        within = parse_duration(raw.get("within", 0))
    except ValueError as exc:
        raise _fail(where, f"within: {exc}") from None
    because = raw.get("because")
    return Expectation(
        where=where,
        that=compile_expression(raw["that"], f"{where} (that)") if "that" in raw else None,
        journal=_journal(raw["journal"], f"{where} (journal)") if "journal" in raw else None,
        within=within,
        because=None if because is None else str(because).strip(),
        as_person=_name(raw.get("as"), where, "as"),
    )


def _system(raw: Any, where: str) -> SystemSpec:
    if not isinstance(raw, dict):
        raise _fail(where, "system: takes a mapping {command, env, ready}")
    _keys(raw, {"command", "env", "ready", "ready_timeout", "cwd"}, where)
    command = raw.get("command")
    if isinstance(command, str) or not isinstance(command, list) or not command:
        raise _fail(where, "command must be a non-empty list of arguments")
    env = raw.get("env") or {}
    if not isinstance(env, dict):
        raise _fail(where, "env must be a mapping")
    try:
        ready_timeout = parse_duration(raw.get("ready_timeout", 20))
    except ValueError as exc:
        raise _fail(where, f"ready_timeout: {exc}") from None
    return SystemSpec(
        command=tuple(str(part) for part in command),
        env={str(k): str(v) for k, v in env.items()},
        ready=None if raw.get("ready") is None else str(raw["ready"]),
        ready_timeout=ready_timeout,
        cwd=None if raw.get("cwd") is None else str(raw["cwd"]),
    )


def _universe(raw: Any, path: Path, where: str) -> Any:
    if raw is None or isinstance(raw, dict):
        return raw
    if raw == "none":
        return "none"  # DTU extension: fresh tenants with nothing seeded
    if isinstance(raw, str):
        target = (path.parent / raw).resolve()
        if not target.is_file():
            raise _fail(where, f"universe file not found: {raw} (looked at {target})")
        return target
    raise _fail(where, "universe: is a path, an inline mapping or `none`")


def parse_scenario(document: Any, path: Path) -> Scenario:
    where = str(path)
    if not isinstance(document, dict):
        raise _fail(where, "a scenario file is a mapping (name, story, steps, expect, ...)")
    _keys(document, _TOP_KEYS, where)
    steps_raw = document.get("steps") or []
    expect_raw = document.get("expect") or []
    if not isinstance(steps_raw, list) or not isinstance(expect_raw, list):
        raise _fail(where, "steps: and expect: are lists")
    if not steps_raw and not expect_raw and "system" not in document:
        raise _fail(where, "a scenario needs steps: or expect:")
    runs = document.get("runs")
    if runs is not None and (not isinstance(runs, int) or isinstance(runs, bool) or runs < 1):
        raise _fail(f"{where}: runs", f"must be a positive integer, got {runs!r}")
    return Scenario(
        name=str(document.get("name") or path.stem),
        path=path,
        story=str(document.get("story") or "").strip(),
        universe=_universe(document.get("universe"), path, f"{where}: universe"),
        steps=tuple(_step(raw, f"{where}: steps[{i}]") for i, raw in enumerate(steps_raw)),
        expect=tuple(_expectation(raw, f"{where}: expect[{i}]") for i, raw in enumerate(expect_raw)),
        system=_system(document["system"], f"{where}: system") if "system" in document else None,
        runs=runs,
        faults=None if document.get("faults") is None else str(document["faults"]),
    )


def load_scenario(path: Path) -> Scenario:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_scenario(document, path)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Scenario files named directly, or found recursively under directories (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SCENARIO_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise ScenarioError(f"{path}: no such file or directory")
    return found


def load_all(paths: Iterable[str | Path]) -> list[Scenario]:
    scenarios = [load_scenario(p) for p in discover(paths)]
    names: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.name in names:
            raise ScenarioError(f"{scenario.path}: scenario name {scenario.name!r} also used by {names[scenario.name]}")
        names[scenario.name] = scenario.path
    return scenarios
