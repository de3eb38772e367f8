"""A per-twin summary after Locust's own tables: throughput, latency percentiles, error rate.

Requests are named "<twin> <operation>", so a twin's figures are its calls' Locust entries merged
(the same merge Locust uses for its "Aggregated" row, so percentiles are exact to Locust's
bucketing). Printed where the stats are complete: a local run or the master of a distributed
run, never a worker. With DTU_LOAD_SUMMARY=PATH the figures are also written there as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import RequestStats, StatsEntry

SUMMARY_VARIABLE = "DTU_LOAD_SUMMARY"
PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}
_installed = False


def install() -> None:
    """Register the summary once per process, however many locustfiles import this module."""
    global _installed
    if _installed:
        return
    _installed = True

    @events.init.add_listener
    def _on_init(environment: Environment, **_: Any) -> None:
        # The event loop caches "now" until it next runs; after a start-up slowed by a busy machine,
        # that stale time would make Locust's --run-time timer (gevent.spawn_later) fire at once.
        gevent.get_hub().loop.update_now()
        if isinstance(environment.runner, WorkerRunner):
            return

        @environment.events.quit.add_listener
        def _on_quit(exit_code: int, **_: Any) -> None:
            if environment.runner is None:
                return
            summary = summarize(environment.runner.stats)
            print(render(summary), flush=True)
            if path := os.environ.get(SUMMARY_VARIABLE):
                Path(path).write_text(json.dumps(summary, indent=2))


def figures(entry: StatsEntry) -> dict[str, Any]:
    requests = entry.num_requests
    figures: dict[str, Any] = {
        "requests": requests,
        "failures": entry.num_failures,
        "error_rate": entry.fail_ratio,
        "rps": round(entry.total_rps, 2),
        "avg_ms": round(entry.avg_response_time, 1),
    }
    for label, percent in PERCENTILES.items():
        figures[label] = entry.get_response_time_percentile(percent) if requests else 0
    return figures


def summarize(stats: RequestStats) -> dict[str, Any]:
    twins: dict[str, StatsEntry] = {}
    calls: dict[str, Any] = {}
    for (name, method), entry in sorted(stats.entries.items()):
        twin = name.split(" ", 1)[0]
        merged = twins.setdefault(twin, StatsEntry(stats, twin, ""))
        merged.extend(entry)
        calls[f"{method} {name}"] = figures(entry)
    return {
        "duration_s": round(stats.last_request_timestamp - stats.start_time, 1)
        if stats.last_request_timestamp
        else 0.0,
        "total": figures(stats.total),
        "twins": {twin: figures(entry) for twin, entry in sorted(twins.items())},
        "calls": calls,
    }


def render(summary: dict[str, Any]) -> str:
    header = f"{'twin':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>9}"
    lines = ["", f"DTU load summary over {summary['duration_s']} s", header, "-" * len(header)]
    rows = [*summary["twins"].items(), ("total", summary["total"])]
    for name, f in rows:
        lines.append(
            f"{name:<10}{f['requests']:>10}{f['rps']:>10.1f}{f['p50']:>9}{f['p95']:>9}{f['p99']:>9}"
            f"{f['error_rate']:>9.2%}"
        )
    return "\n".join(lines)
