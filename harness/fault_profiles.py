"""Fault profiles: YAML files turned into rules on each twin's /_dtu/faults for one trajectory's tenant.

    name: default
    description: ...
    rules:
      - kind: latency              # latency | error | rate_limit (services/core/faults.py)
        twins: [okta, slack]       # default: every twin
        operation: "*"             # the twin's operation name, a glob
        probability: 0.2           # per matching request
        latency_ms: [20, 150]      # a number, or a range the trajectory draws one value from
      - {kind: error, probability: 0.02, status: 503}
      - {kind: rate_limit, probability: 0.01, retry_after: 1}

A trajectory's rules carry its tenant and a `random_seed` derived from (run seed, scenario,
trajectory, twin, rule): the same seed replays the same faults, whatever runs alongside.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.loader import TWINS

PROFILES_DIR = Path(__file__).resolve().parent / "faults"
_RULE_KEYS = {"kind", "twins", "operation", "probability", "latency_ms", "status", "error", "retry_after", "remaining"}


class FaultProfileError(ValueError):
    pass


@dataclass(frozen=True)
class FaultProfile:
    name: str
    description: str
    rules: tuple[dict[str, Any], ...]
    path: Path | None = None

    def rules_for(self, tenant: str, seed: str) -> dict[str, list[dict[str, Any]]]:
        """The rules to post, per twin, for one trajectory."""
        draw = random.Random(_digest(seed, "latency"))
        per_twin: dict[str, list[dict[str, Any]]] = {}
        for index, spec in enumerate(self.rules):
            rule = {k: v for k, v in spec.items() if k != "twins"}
            latency = rule.get("latency_ms")
            if isinstance(latency, list):
                rule["latency_ms"] = round(draw.uniform(float(latency[0]), float(latency[1])), 1)
            for twin in spec.get("twins") or TWINS:
                per_twin.setdefault(twin, []).append(
                    {**rule, "tenant": tenant, "random_seed": _digest(seed, twin, str(index))}
                )
        return per_twin


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _check_rule(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FaultProfileError(f"{where}: a rule is a mapping")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise FaultProfileError(f"{where}: unknown key(s) {unknown}; expected some of {sorted(_RULE_KEYS)}")
    if raw.get("kind", "error") not in ("latency", "error", "rate_limit"):
        raise FaultProfileError(f"{where}: kind must be latency, error or rate_limit")
    probability = raw.get("probability", 1.0)
    if not isinstance(probability, int | float) or not 0 <= probability <= 1:
        raise FaultProfileError(f"{where}: probability must be a number within [0, 1]")
    twins = raw.get("twins")
    if twins is not None and (not isinstance(twins, list) or not set(twins) <= set(TWINS)):
        raise FaultProfileError(f"{where}: twins must be a list of {list(TWINS)}")
    latency = raw.get("latency_ms")
    if isinstance(latency, list):
        if (
            len(latency) != 2
            or not all(isinstance(v, int | float) and v >= 0 for v in latency)
            or latency[0] > latency[1]
        ):
            raise FaultProfileError(f"{where}: latency_ms range must be [low, high] milliseconds")
    elif latency is not None and (not isinstance(latency, int | float) or latency < 0):
        raise FaultProfileError(f"{where}: latency_ms must be milliseconds or a [low, high] range")
    status = raw.get("status")
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        raise FaultProfileError(f"{where}: status must be an HTTP error status (400-599)")
    return {"kind": "error", **raw}


def parse_profile(document: Any, where: str, path: Path | None = None) -> FaultProfile:
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise FaultProfileError(f"{where}: a fault profile is a mapping with rules: [...]")
    unknown = sorted(set(document) - {"name", "description", "rules"})
    if unknown:
        raise FaultProfileError(f"{where}: unknown key(s) {unknown}")
    rules = tuple(_check_rule(raw, f"{where}: rules[{i}]") for i, raw in enumerate(document["rules"]))
    name = str(document.get("name") or (path.stem if path else "inline"))
    return FaultProfile(name, str(document.get("description") or "").strip(), rules, path)


def load_profile(name_or_path: str) -> FaultProfile:
    """A bundled profile by name (harness/faults/NAME.yaml) or a YAML file path."""
    path = Path(name_or_path)
    if not path.is_file():
        bundled = PROFILES_DIR / f"{name_or_path}.yaml"
        if not bundled.is_file():
            known = sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))
            raise FaultProfileError(f"no fault profile {name_or_path!r} (a file, or one of {known})")
        path = bundled
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FaultProfileError(f"{path}: not valid YAML: {exc}") from None
    return parse_profile(document, str(path), path)
