"""`dtu`: start the fleet, print its environment, check, reset and seed it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import shlex
import socket
import sys
import time
from pathlib import Path
from typing import Any

import click
import httpx
import yaml

from services.core.app import build_app
from services.core.server import PortInUse, Served, bind_socket, serve_all
from services.core.settings import TwinSettings
from services.core.tls import TlsFiles, files_for
from services.fleet import TwinEntry, select
from services.inspector.app import DEFAULT_PORT as INSPECTOR_PORT
from services.inspector.app import build_inspector
from services.universe.apply import apply_in_process
from services.universe.cli import load_or_fail, universe_group
from services.universe.fleet import FleetClient
from services.universe.model import Universe
from services.universe.sso import wire_when_listening

# `--tls` on every command that talks to the fleet: an https fleet is reached (and trusted) as such.
_tls_option = click.option(
    "--tls",
    is_flag=True,
    default=None,
    help="Serve/reach the twins over HTTPS (also DTU_TLS=1; DTU_TLS_CERT + DTU_TLS_KEY for your own certificate).",
)


def _settings(
    entry: TwinEntry,
    host: str | None = None,
    data_dir: str | None = None,
    ports: dict[str, int] | None = None,
    tls: bool | None = None,
    dev_sign_in: bool | None = None,
) -> TwinSettings:
    return TwinSettings.from_env(
        entry.name,
        entry.default_port,
        host=host,
        data_dir=Path(data_dir) if data_dir else None,
        port=(ports or {}).get(entry.name),
        tls=tls or None,
        dev_sign_in=dev_sign_in or None,
    )


def _tls_files(settings: TwinSettings) -> TlsFiles | None:
    try:
        return files_for(settings)
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"TLS: {exc}") from None


def _verify(settings: TwinSettings) -> Any:
    """What httpx verifies an https twin with: the local CA (or the default CAs for a user's certificate)."""
    files = _tls_files(settings)
    return files.client_context() if files is not None else True


def _parse_ports(values: tuple[str, ...]) -> dict[str, int]:
    ports: dict[str, int] = {}
    for value in values:
        name, _, port = value.partition("=")
        if not port.isdigit():
            raise click.BadParameter(f"expected NAME=PORT, got {value!r}", param_hint="--port")
        ports[name] = int(port)
    return ports


def _entries(services: str | None) -> list[TwinEntry]:
    try:
        return select(services)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--services") from None


@click.group()
def main() -> None:
    """DTU, the Digital Twin Universe."""


@main.command()
@click.option("--services", help="Comma-separated twins to start (default: all).")
@click.option(
    "--data-dir", type=click.Path(file_okay=False), help="Keep state in SQLite files here (survives restarts)."
)
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", "ports", multiple=True, help="Override a port: NAME=PORT (repeatable).")
@click.option("--log-level", default="warning", show_default=True)
@click.option(
    "--universe",
    "universe_file",
    default="default",
    show_default=True,
    help="Universe loaded into the default tenant: a file, 'default' (the shipped one) or 'none'.",
)
@click.option(
    "--dev-sign-in",
    is_flag=True,
    default=None,
    help="Offer one-click sign-in as anyone on every web UI's sign-in page (also DTU_DEV_SIGN_IN=1).",
)
@click.option(
    "--inspector-port",
    type=int,
    default=None,
    envvar="DTU_INSPECTOR_PORT",
    help=f"Port of the fleet inspector, always on 127.0.0.1 (default {INSPECTOR_PORT}).",
)
@click.option("--no-inspector", is_flag=True, help="Do not start the fleet inspector.")
@_tls_option
def up(
    services: str | None,
    data_dir: str | None,
    host: str | None,
    ports: tuple[str, ...],
    log_level: str,
    universe_file: str,
    dev_sign_in: bool | None,
    inspector_port: int | None,
    no_inspector: bool,
    tls: bool | None,
) -> None:
    """Start the fleet in the foreground; Ctrl-C stops it."""
    started = time.perf_counter()
    universe = None if universe_file.lower() == "none" else load_or_fail(universe_file)
    entries = _entries(services)
    port_map = _parse_ports(ports)
    settings = [_settings(entry, host, data_dir, port_map, tls, dev_sign_in) for entry in entries]
    certificates = [_tls_files(s) for s in settings]
    sockets = []
    try:
        for entry, s in zip(entries, settings, strict=True):
            sockets.append(bind_socket(entry.name, s.host, s.port))
        inspector_socket = None if no_inspector else _bind_inspector(inspector_port)
    except PortInUse as exc:
        for sock in sockets:
            sock.close()
        hint = f"--port {exc.service}=PORT"
        if exc.service == "inspector":
            hint = "--inspector-port PORT (or --no-inspector)"
        click.echo(f"dtu: {exc}. Stop whatever holds it, or choose another: {hint}", err=True)
        sys.exit(2)
    served: list[Served] = []
    for entry, s, certificate in zip(entries, settings, certificates, strict=True):
        app = build_app(entry.spec(), s)
        served.append(Served(entry.name, app, s.host, s.port, certificate))
    universe_line = _load_universe(universe, {item.service: item.app.state.runtime for item in served})
    if universe is not None:
        # Okta's OIDC apps for Slack's and Google's sign-in go through Okta's API: once the servers listen.
        verify = next((c.client_context() for c in certificates if c is not None), True)
        urls = {item.service: s.base_url for item, s in zip(served, settings, strict=True)}
        wire_when_listening(FleetClient(urls, verify))
    inspector: list[Served] = []
    if inspector_socket is not None:
        sockets.append(inspector_socket)
        inspector_port = inspector_socket.getsockname()[1]
        # The inspector reaches the twins over their control planes, as any client would.
        twin_urls = {item.service: s.base_url for item, s in zip(served, settings, strict=True)}
        inspector_verify = next((c.client_context() for c in certificates if c is not None), True)
        inspector_app = build_inspector(twin_urls, inspector_verify)
        inspector.append(Served("inspector", inspector_app, "127.0.0.1", inspector_port))
    # Everything built so far (apps, specs, the universe's rows) lives as long as the fleet: keep it
    # out of the cyclic GC's full collections, which otherwise rescanned ~200,000 objects (~130 ms)
    # every few requests (bench/ui.py: the Slack channel page's p95 fell from ~170 ms to ~30 ms).
    gc.collect()
    gc.freeze()
    click.echo(f"DTU fleet ready in {time.perf_counter() - started:.2f}s")
    if universe_line:
        click.echo(universe_line)
    for line in _first_certificate_instructions(certificates):
        click.echo(line)
    if inspector:
        url = f"http://127.0.0.1:{inspector_port}/"
        click.echo(f"\n  Inspector {url}   (the fleet's journal, faults, clocks and snapshots)")
    for s, item in zip(settings, served, strict=True):
        runtime = item.app.state.runtime
        tenant = runtime.tenants.get("default")
        click.echo(f"\n  {runtime.spec.title:<8} {s.base_url}   (control plane: {s.base_url}/_dtu/openapi.json)")
        sign_in = "one-click development sign-in" if s.dev_sign_in else "sign in; --dev-sign-in for one click"
        click.echo(f"    web UI: {s.base_url}/   ({sign_in})")
        for key, value in runtime.spec.env_vars(tenant.credentials).items():
            click.echo(f"    {key}={value}")
    click.echo("\nCtrl-C stops the fleet.")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_all(served + inspector, sockets, log_level))


def _bind_inspector(port: int | None) -> socket.socket | None:
    """The inspector's socket, on loopback only (it has no sign-in), whatever --host says.

    The default port taken (another `dtu up` already serves an inspector, as when a
    harness starts one fleet process per twin) only leaves this fleet without one; a
    port the user chose must be free (PortInUse).
    """
    if port is not None:
        return bind_socket("inspector", "127.0.0.1", port)
    try:
        return bind_socket("inspector", "127.0.0.1", INSPECTOR_PORT)
    except PortInUse as exc:
        click.echo(f"dtu: {exc}: starting without the inspector (--inspector-port PORT serves it elsewhere)", err=True)
        return None


@main.command("inspector")
@click.option("--twin", "twins", multiple=True, help="A twin: NAME=URL (repeatable; default: the local fleet).")
@click.option("--port", default=INSPECTOR_PORT, show_default=True, help="Port to serve on (127.0.0.1 only).")
@click.option("--log-level", default="warning", show_default=True)
@_tls_option
def inspector_command(twins: tuple[str, ...], port: int, log_level: str, tls: bool | None) -> None:
    """Serve the fleet inspector alone, over twins already running (`dtu up` starts it by itself)."""
    urls: dict[str, str] = {}
    for value in twins:
        name, _, url = value.partition("=")
        if not name or not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"expected NAME=URL, got {value!r}", param_hint="--twin")
        urls[name] = url
    fleet = [_settings(entry, tls=tls) for entry in _entries(None)]
    if not urls:
        urls = {s.service: s.base_url for s in fleet}
    try:
        sock = bind_socket("inspector", "127.0.0.1", port)
    except PortInUse as exc:
        raise click.ClickException(f"{exc}; choose another with --port") from None
    app = build_inspector(urls, _verify(fleet[0]))
    click.echo(f"DTU inspector http://127.0.0.1:{sock.getsockname()[1]}/ over {', '.join(urls)}; Ctrl-C stops it.")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_all([Served("inspector", app, "127.0.0.1", port)], [sock], log_level))


def _load_universe(universe: Universe | None, runtimes: dict[str, Any]) -> str:
    """The universe seeded into the default tenants, in process; a line saying what happened."""
    if universe is None:
        return ""
    result = apply_in_process(universe, runtimes)
    if result["skipped"]:
        held = ", ".join(sorted({str(v) for v in result["held"].values() if v}))
        return f"Universe: the default tenant (kept in --data-dir) already holds universe {held}; kept as it is."
    return (
        f"Universe: {universe.company.name} ({universe.company.domain}), {len(universe.people)} people"
        f" loaded in {result['seconds']:.2f}s (`dtu universe people` lists them)"
    )


def _first_certificate_instructions(certificates: list[TlsFiles | None]) -> list[str]:
    """Every twin serves the same certificate: say once how to trust it."""
    for files in certificates:
        if files is not None:
            return ["", *files.trust_instructions()]
    return []


def _fetch_default(entry: TwinEntry, settings: TwinSettings, tenant: str) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"{settings.base_url}/_dtu/tenants/{tenant}", timeout=1.0, verify=_verify(settings))
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    credentials: dict[str, Any] = response.json()["credentials"]
    return credentials


@main.command()
@click.option("--services", help="Comma-separated twins (default: all).")
@click.option("--tenant", default="default", show_default=True, help="Tenant whose credentials to print.")
@_tls_option
def env(services: str | None, tenant: str, tls: bool | None) -> None:
    """Print `export` lines for the fleet's URLs and credentials: eval "$(dtu env)"."""
    trust: TlsFiles | None = None
    for entry in _entries(services):
        spec = entry.spec()
        settings = _settings(entry, tls=tls)
        trust = trust or _tls_files(settings)
        credentials = _fetch_default(entry, settings, tenant)
        if credentials is None:
            if tenant != "default":
                raise click.ClickException(f"{entry.name}: fleet not reachable at {settings.base_url}")
            credentials = spec.default_credentials(settings)
        for key, value in spec.env_vars(credentials).items():
            click.echo(f"export {key}={shlex.quote(str(value))}")
    if trust is not None and trust.bundle is not None:
        # The local CA added to the public ones: SDKs then accept the twins' https URLs.
        for key in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            click.echo(f"export {key}={shlex.quote(str(trust.bundle))}")


@main.command()
@click.option("--services", help="Comma-separated twins (default: all).")
@_tls_option
def status(services: str | None, tls: bool | None) -> None:
    """Health of each twin; exit 1 when any is down."""
    down = 0
    for entry in _entries(services):
        settings = _settings(entry, tls=tls)
        try:
            health = httpx.get(f"{settings.base_url}/_dtu/health", timeout=1.0, verify=_verify(settings)).json()
            click.echo(f"{entry.name:<8} up    {settings.base_url}  tenants={health.get('tenants')}")
        except (httpx.HTTPError, ValueError):
            click.echo(f"{entry.name:<8} down  {settings.base_url}")
            down += 1
    sys.exit(1 if down else 0)


def _control(entry: TwinEntry, method: str, path: str, **kwargs: Any) -> httpx.Response:
    settings = _settings(entry)
    try:
        url = f"{settings.base_url}/_dtu{path}"
        return httpx.request(method, url, timeout=30.0, verify=_verify(settings), **kwargs)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{entry.name}: not reachable at {settings.base_url} ({exc})") from None


@main.command()
@click.option("--services", help="Comma-separated twins (default: all).")
def reset(services: str | None) -> None:
    """Reset twins to their initial state (default tenant recreated)."""
    for entry in _entries(services):
        response = _control(entry, "POST", "/reset")
        click.echo(f"{entry.name}: {response.json().get('status', response.text)}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--tenant", default="default", show_default=True)
def seed(file: str, tenant: str) -> None:
    """Seed running twins from a YAML/JSON file with one top-level key per twin (slack: ...)."""
    document = yaml.safe_load(Path(file).read_text())
    if not isinstance(document, dict):
        raise click.ClickException("the seed file must be a mapping of twin name to seed document")
    entries = _entries(",".join(document))
    for entry in entries:
        response = _control(entry, "POST", f"/tenants/{tenant}/seed", json=document[entry.name])
        if response.status_code != 200:
            raise click.ClickException(f"{entry.name}: {response.text}")
        click.echo(f"{entry.name}: {json.dumps(response.json()['created'])}")


def _add_scenario_commands() -> None:
    """`dtu scenario ...`: the scenario harness (harness/), imported here so `dtu` stays one entry point."""
    from harness.cli import scenario

    main.add_command(scenario)


_add_scenario_commands()


main.add_command(universe_group)


if __name__ == "__main__":
    main()
