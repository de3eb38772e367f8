"""`dtu universe ...`: generate a universe, load one into a running fleet, list its people."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from services.universe.apply import apply_universe
from services.universe.fleet import FleetClient, FleetError
from services.universe.generate import generate_universe, render_yaml
from services.universe.load import UniverseError, load_universe
from services.universe.model import Universe


def load_or_fail(source: str) -> Universe:
    """The universe at `source` ("default" for the shipped one), or a CLI error with every problem."""
    try:
        return load_universe(source)
    except UniverseError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("universe")
def universe_group() -> None:
    """One company across every twin: generate, load, list people (services/universe/README.md)."""


@universe_group.command("generate")
@click.option("--people", type=click.IntRange(min=1, max=100_000), default=300, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
def generate(people: int, seed: int, output: str | None) -> None:
    """A plausible company of PEOPLE people, the same for the same seed."""
    text = render_yaml(generate_universe(people, seed))
    if output:
        Path(output).write_text(text)
        click.echo(f"wrote {output}: {people} people (seed {seed})", err=True)
    else:
        click.echo(text, nl=False)


@universe_group.command("load")
@click.argument("file", default="default")
@click.option("--tenant", default="default", show_default=True, help="Tenant id (created in each twin when missing).")
@click.option("--services", help="Comma-separated twins (default: all).")
@click.option("--replace", is_flag=True, help="Reset the tenant first when it exists (its data goes).")
@click.option("--tls", is_flag=True, default=None, help="Reach the twins over HTTPS (as dtu up --tls).")
def load(file: str, tenant: str, services: str | None, replace: bool, tls: bool | None) -> None:
    """Load FILE (default: the shipped universe) into a running fleet."""
    universe = load_or_fail(file)
    names = [n.strip() for n in services.split(",")] if services else None
    try:
        with FleetClient.local(names, tls=tls) as fleet:
            result = apply_universe(universe, fleet, tenant, replace=replace)
    except (FleetError, KeyError) as exc:
        raise click.ClickException(str(exc)) from None
    counts = {twin: {k: len(v) for k, v in created.items()} for twin, created in result["created"].items()}
    click.echo(f"loaded {len(universe.people)} people into tenant {tenant!r} in {result['seconds']}s")
    click.echo(json.dumps(counts))


@universe_group.command("people")
@click.argument("file", default="default")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def people(file: str, as_json: bool) -> None:
    """Handles, emails, passwords and ids of FILE's people (default: the shipped universe)."""
    universe = load_or_fail(file)
    fields = ("handle", "email", "password", "status", "okta_id", "slack_id", "jira_account_id", "google_id")
    if as_json:
        for person in universe.persons.values():
            click.echo(json.dumps({f: getattr(person, f) for f in (*fields, "name", "title", "department")}))
        return
    rows = [[str(getattr(p, f)) for f in fields] for p in universe.persons.values()]
    widths = [max(len(f), *(len(r[i]) for r in rows)) if rows else len(f) for i, f in enumerate(fields)]
    out = sys.stdout
    out.write("  ".join(f.ljust(w) for f, w in zip(fields, widths, strict=True)).rstrip() + "\n")
    for row in rows:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
