"""`dtu scenario run PATH...`: run scenario files against a fleet and report satisfaction."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console

from harness.fault_profiles import FaultProfileError, load_profile
from harness.fleet import Fleet, FleetError, parse_fleet
from harness.loader import ScenarioError, load_all
from harness.reports import html_report, json_report, junit
from harness.reports.console import LiveProgress, summary
from harness.runner import RunConfig, SuiteResult, run_suite
from harness.start import JOURNAL_SIZE, process_fleet, threaded_fleet


@click.group()
def scenario() -> None:
    """Run user stories against the twins and measure satisfaction (harness/README.md)."""


@contextlib.contextmanager
def _fleet(fleet_urls: str | None, start: str | None, console: Console) -> Iterator[Fleet]:
    if start == "threads":
        with threaded_fleet() as fleet:
            yield fleet
    elif start == "processes":
        console.print("[dim]starting a fleet (one process per twin, in-memory stores)...[/]")
        with process_fleet() as fleet:
            yield fleet
    else:
        fleet = Fleet(parse_fleet(fleet_urls))
        try:
            fleet.check()
            small = {t: c for t, c in fleet.journal_capacity().items() if c < JOURNAL_SIZE // 4}
            if small:
                console.print(
                    f"[yellow]journal capacity {small}: a long run may evict a trajectory's requests before they "
                    f"are judged; start the fleet with DTU_JOURNAL_SIZE={JOURNAL_SIZE}[/]"
                )
            yield fleet
        finally:
            fleet.close()


def write_reports(result: SuiteResult, threshold: float, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "scenarios.json", directory / "junit.xml", directory / "report.html"]
    json_report.write(result, threshold, paths[0])
    junit.write(result, paths[1])
    html_report.write(result, threshold, paths[2])
    return paths


@scenario.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--runs", type=click.IntRange(min=1), help="Trajectories per scenario (default: its runs:, else 10).")
@click.option("--parallel", type=click.IntRange(min=1), default=4, show_default=True, help="Trajectories at a time.")
@click.option("--faults", "faults_name", help="Fault profile: a bundled name (default, latency, flaky) or a YAML file.")
@click.option("--seed", default="0", show_default=True, help="Seed of the fault draws (same seed, same faults).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.95, show_default=True)
@click.option("--report-dir", type=click.Path(file_okay=False), help="Write scenarios.json, junit.xml, report.html.")
@click.option("--fleet", "fleet_urls", help="okta=URL,jira=URL,slack=URL,google=URL (default: the `dtu env` URLs).")
@click.option(
    "--start",
    "start",
    flag_value="processes",
    default=None,
    help="Start a fleet for this run (a process per twin, in-memory stores).",
)
@click.option("--start-threads", "start", flag_value="threads", help="Start the fleet inside this process instead.")
def run(
    paths: tuple[str, ...],
    runs: int | None,
    parallel: int,
    faults_name: str | None,
    seed: str,
    threshold: float,
    report_dir: str | None,
    fleet_urls: str | None,
    start: str | None,
) -> None:
    """Run the scenarios under PATH... (files or directories); exit 1 when satisfaction < threshold."""
    console = Console(stderr=False)
    try:
        scenarios = load_all(paths)
        profile = load_profile(faults_name) if faults_name else None
    except (ScenarioError, FaultProfileError) as exc:
        raise click.ClickException(str(exc)) from None
    if not scenarios:
        raise click.ClickException(f"no scenario files (*.yaml) under {', '.join(paths)}")
    config = RunConfig(runs=runs, parallel=parallel, faults=profile, seed=seed)
    try:
        with _fleet(fleet_urls, start, console) as fleet, LiveProgress(console) as progress:
            result = run_suite(fleet, scenarios, config, on_start=progress.start, on_result=progress.done)
    except FleetError as exc:
        raise click.ClickException(str(exc)) from None
    summary(console, result, threshold)
    if report_dir:
        for path in write_reports(result, threshold, Path(report_dir)):
            console.print(f"[dim]wrote {path}[/]")
    overall = result.satisfaction
    broken = [s.scenario.name for s in result.scenarios if s.error]
    passed = overall.rate >= threshold and not broken
    faults = f", faults {config.faults.name}" if config.faults else ""
    verdict = "PASS" if passed else "FAIL"
    click.echo(
        f"{overall.line()} threshold {threshold * 100:.1f}%: {verdict} "
        f"({len(scenarios)} scenarios, {result.duration_s:.1f} s, seed {seed}{faults})"
    )
    if broken:
        click.echo(f"scenarios that could not run: {', '.join(broken)}", err=True)
    sys.exit(0 if passed else 1)
