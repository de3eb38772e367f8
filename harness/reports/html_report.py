"""The HTML report: one self-contained file (inline CSS and SVG, no external assets).

Per-scenario satisfaction with its 95 % interval (table and plot), then each failing
trajectory with its reasons and its fleet-wide journal.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path
from typing import Any

from harness.runner import SuiteResult, Trajectory
from harness.stats import DASH, Satisfaction

MAX_FAILING_SHOWN = 25  # per scenario: enough to see a pattern, a bounded file
MAX_JOURNAL_ROWS = 400

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#17692e}.bad{color:#b00020}.muted{color:#666}
pre{background:#f6f6f6;padding:.5em;overflow:auto;white-space:pre-wrap}
details{margin:.5em 0 1em}summary{cursor:pointer}
table.journal td{font:12px/1.3 ui-monospace,monospace}
"""


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def plot(rows: list[tuple[str, Satisfaction]], threshold: float) -> str:
    """Horizontal bars of satisfaction with the 95 % interval as a whisker, and the threshold line."""
    bar_h, gap, left, width = 22, 10, 230, 520
    height = len(rows) * (bar_h + gap) + 40
    x = lambda v: left + v * width  # noqa: E731 - a scale, read in place
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{height}" '
        'role="img" aria-label="satisfaction per scenario">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{x(tick)}" y1="0" x2="{x(tick)}" y2="{height - 25}" stroke="#eee"/>')
        parts.append(f'<text x="{x(tick)}" y="{height - 8}" font-size="11" text-anchor="middle">{tick:.0%}</text>')
    for i, (name, s) in enumerate(rows):
        y = i * (bar_h + gap) + 5
        colour = "#2e7d32" if s.rate >= threshold else "#c62828"
        label = escape(name if len(name) <= 32 else name[:31] + "…")
        parts.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end">{label}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{s.rate * width:.1f}" height="{bar_h}" fill="{colour}" opacity=".8">'
            f"<title>{escape(name)}: {_pct(s.rate)} ({s.satisfied}/{s.runs})</title></rect>"
        )
        mid = y + bar_h / 2
        parts.append(f'<line x1="{x(s.low):.1f}" y1="{mid}" x2="{x(s.high):.1f}" y2="{mid}" stroke="#111"/>')
        for end in (s.low, s.high):
            parts.append(f'<line x1="{x(end):.1f}" y1="{mid - 5}" x2="{x(end):.1f}" y2="{mid + 5}" stroke="#111"/>')
        parts.append(f'<text x="{x(1) + 6}" y="{y + 15}" font-size="12">{_pct(s.rate)}</text>')
    parts.append(
        f'<line x1="{x(threshold):.1f}" y1="0" x2="{x(threshold):.1f}" y2="{height - 25}" '
        'stroke="#555" stroke-dasharray="4 3"><title>threshold</title></line>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _journal_table(entries: list[dict[str, Any]]) -> str:
    if not entries:
        return '<p class="muted">The journal holds no request of this trajectory.</p>'
    start = entries[0]["time"]
    rows = []
    for e in entries[:MAX_JOURNAL_ROWS]:
        status_class = "bad" if int(e.get("status", 0)) >= 400 else ""
        rows.append(
            f"<tr><td class=n>+{(e['time'] - start) * 1000:.0f} ms</td><td>{escape(str(e.get('twin')))}</td>"
            f"<td>{escape(str(e.get('operation')))}</td><td>{escape(str(e.get('method')))} "
            f"{escape(str(e.get('path')))}</td><td class='n {status_class}'>{e.get('status')}</td>"
            f"<td class=n>{e.get('latency_ms')}</td></tr>"
        )
    more = len(entries) - MAX_JOURNAL_ROWS
    note = f'<p class="muted">… and {more} more entries (see the JSON report).</p>' if more > 0 else ""
    return (
        '<table class="journal"><tr><th>time</th><th>twin</th><th>operation</th><th>request</th>'
        f"<th>status</th><th>ms</th></tr>{''.join(rows)}</table>{note}"
    )


def _trajectory(t: Trajectory) -> str:
    reasons = "".join(f"<li>{escape(r)}</li>" for r in t.reasons) or "<li>unsatisfied</li>"
    output = f"<h4>System under test output (tail)</h4><pre>{escape(t.system_output)}</pre>" if t.system_output else ""
    return (
        f'<details open><summary><b>trajectory {t.index}</b> <span class="bad">{escape(t.outcome)}</span> '
        f'<span class="muted">tenant {escape(t.tenant)}, seed {escape(t.seed)}, {t.duration_s:.2f} s, '
        f"{t.steps_done} step(s) done</span></summary><ul>{reasons}</ul>{output}"
        f"<h4>Journal ({len(t.journal)} requests)</h4>{_journal_table(t.journal)}</details>"
    )


def render(result: SuiteResult, threshold: float) -> str:
    overall = result.satisfaction
    verdict = "ok" if overall.rate >= threshold else "bad"
    rows, sections = [], []
    for s in result.scenarios:
        figures = s.satisfaction
        cls = "ok" if figures.rate >= threshold and not s.error else "bad"
        rows.append(
            f"<tr><td>{escape(s.scenario.name)}</td><td class=n>{figures.satisfied}/{figures.runs}</td>"
            f"<td class='n {cls}'>{_pct(figures.rate)}</td>"
            f"<td class=n>{_pct(figures.low)}{DASH}{_pct(figures.high)}</td>"
            f"<td>{escape(s.error or '')}</td></tr>"
        )
        failing = [t for t in s.trajectories if not t.satisfied]
        if failing:
            shown = "".join(_trajectory(t) for t in failing[:MAX_FAILING_SHOWN])
            hidden = len(failing) - MAX_FAILING_SHOWN
            more = f'<p class="muted">… and {hidden} more (see the JSON report).</p>' if hidden > 0 else ""
            story = f"<p>{escape(s.scenario.story)}</p>" if s.scenario.story else ""
            sections.append(
                f"<h2>{escape(s.scenario.name)}: {len(failing)} failing trajectories</h2>{story}{shown}{more}"
            )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>DTU scenario report</title>"
        f"<style>{STYLE}</style></head><body><h1>DTU scenario report</h1>"
        f'<p class="{verdict}"><b>{escape(overall.line())}</b>, threshold {_pct(threshold)}</p>'
        f'<p class="muted">{when}; seed {escape(result.seed)}; fault profile {escape(result.faults or "none")}; '
        f"{result.duration_s:.1f} s</p>"
        f"{plot([(s.scenario.name, s.satisfaction) for s in result.scenarios], threshold)}"
        "<table><tr><th>scenario</th><th>satisfied</th><th>satisfaction</th><th>95% CI</th><th></th></tr>"
        f"{''.join(rows)}</table>{''.join(sections) or '<p class=ok>Every trajectory was satisfied.</p>'}"
        "</body></html>"
    )


def write(result: SuiteResult, threshold: float, path: Path) -> None:
    path.write_text(render(result, threshold), encoding="utf-8")
