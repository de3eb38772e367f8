"""The terminal: a live progress bar while trajectories run, then the summary table and the overall line."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.runner import SuiteResult, Trajectory
from harness.stats import DASH


class LiveProgress:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]trajectories"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task = self.progress.add_task("run", total=None, status="")
        self.satisfied = self.failed = 0

    def __enter__(self) -> LiveProgress:
        self.progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def done(self, trajectory: Trajectory) -> None:
        if trajectory.satisfied:
            self.satisfied += 1
        else:
            self.failed += 1
        self.progress.update(
            self.task, advance=1, status=f"[green]{self.satisfied} satisfied[/] [red]{self.failed} not[/]"
        )


def summary(console: Console, result: SuiteResult, threshold: float) -> None:
    table = Table(title="Scenarios", title_justify="left")
    table.add_column("scenario")
    table.add_column("runs", justify="right")
    table.add_column("satisfied", justify="right")
    table.add_column("satisfaction", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("first failure")
    for s in result.scenarios:
        figures = s.satisfaction
        colour = "green" if figures.rate >= threshold and not s.error else "red"
        first = s.error or next((t.reasons[0] for t in s.trajectories if t.reasons), "")
        table.add_row(
            s.scenario.name,
            str(figures.runs),
            str(figures.satisfied),
            f"[{colour}]{figures.rate * 100:.1f}%[/]",
            f"{figures.low * 100:.1f}{DASH}{figures.high * 100:.1f}%",
            first[:120],
        )
    console.print(table)
