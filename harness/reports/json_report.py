"""The JSON report: every figure and every trajectory; failing ones with their journals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.runner import SuiteResult
from harness.stats import Satisfaction

FORMAT = "dtu.scenario-report"


def _figures(s: Satisfaction) -> dict[str, Any]:
    return {"satisfied": s.satisfied, "runs": s.runs, "satisfaction": s.rate, "ci95": [s.low, s.high]}


def document(result: SuiteResult, threshold: float) -> dict[str, Any]:
    overall = result.satisfaction
    return {
        "format": FORMAT,
        "version": 1,
        "seed": result.seed,
        "faults": result.faults,
        "threshold": threshold,
        "passed": overall.rate >= threshold and not any(s.error for s in result.scenarios),
        "duration_s": round(result.duration_s, 3),
        "overall": _figures(overall),
        "scenarios": [
            {
                "name": s.scenario.name,
                "path": str(s.scenario.path),
                "story": s.scenario.story,
                "error": s.error,
                **_figures(s.satisfaction),
                "trajectories": [t.to_dict(with_journal=not t.satisfied) for t in s.trajectories],
            }
            for s in result.scenarios
        ],
    }


def write(result: SuiteResult, threshold: float, path: Path) -> None:
    path.write_text(json.dumps(document(result, threshold), indent=2, default=str), encoding="utf-8")
