"""The universe a scenario starts from: a file, an inline fragment, the shipped default, or none.

Loading and seeding are services.universe's job (load_universe, apply_universe); this module
resolves what a scenario names and caches the loaded universe per scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.fleet import Fleet
from harness.loader import ScenarioError
from harness.model import Scenario

# A fragment names no company: the one the default universe uses stands in.
DEFAULT_COMPANY = {"name": "Acme Corp", "domain": "acme.test"}


def _default_path() -> Path:
    from services.universe import DEFAULT_PATH

    return Path(DEFAULT_PATH)


def load_for(scenario: Scenario) -> Any:
    """The loaded Universe, or None when the scenario starts from empty tenants (`universe: none`)."""
    if scenario.universe == "none":
        return None
    try:
        from services.universe import load_universe
    except ImportError as exc:
        raise ScenarioError(f"{scenario.path}: universe: services.universe is not available ({exc})") from None
    source: Any = scenario.universe
    if source is None:
        source = _default_path()
    elif isinstance(source, dict):
        source = {"universe": 1, "company": DEFAULT_COMPANY, **source}
    try:
        return load_universe(source)
    except (ValueError, OSError) as exc:
        raise ScenarioError(f"{scenario.path}: universe: {exc}") from None


def apply(universe: Any, fleet: Fleet, tenant: str) -> None:
    from services.universe import apply_universe

    apply_universe(universe, fleet.universe_client(), tenant)


def people(universe: Any) -> dict[str, Any]:
    """Every person by handle: `alice.email`, `alice.okta_id`, `alice.slack_id`, ..."""
    if universe is None:
        return {}
    return dict(universe.persons)
