"""The control plane, served by every twin under `/_dtu/`.

Health, tenants, reset, snapshot/restore, seed, the request journal, fault
injection and the clock. Each endpoint's docstring is its OpenAPI description,
served at `/_dtu/openapi.json`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.schemas import SchemaGenerator

from services.core.errors import TwinError
from services.core.faults import FaultSpecError
from services.core.store import (
    SnapshotError,
    delete_tenant_rows,
    restore_tenant,
    snapshot_tenant,
)
from services.core.tenants import DEFAULT_TENANT, Tenant, TenantExists, UnknownTenant, rebase_urls
from services.core.twin import TwinRuntime, runtime_of

schemas = SchemaGenerator({"openapi": "3.0.3", "info": {"title": "DTU control plane", "version": "1"}})


def problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _tenant(request: Request) -> Tenant:
    runtime = runtime_of(request)
    return runtime.tenants.get(request.path_params.get("tenant_id", DEFAULT_TENANT))


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return {}
    content_type = request.headers.get("content-type", "")
    try:
        if "yaml" in content_type:
            return yaml.safe_load(body)
        return json.loads(body)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"body is not valid JSON/YAML: {exc}") from exc


async def health(request: Request) -> JSONResponse:
    """
    summary: Liveness and identity of this twin
    responses:
      200:
        description: The twin is serving.
    """
    runtime = runtime_of(request)
    return JSONResponse(
        {
            "status": "ok",
            "service": runtime.spec.name,
            "base_url": runtime.base_url,
            "tenants": len(runtime.tenants.all()),
        }
    )


async def ready(request: Request) -> JSONResponse:
    """
    summary: Readiness (database reachable, default tenant present)
    responses:
      200:
        description: Ready.
      503:
        description: Not ready.
    """
    runtime = runtime_of(request)
    try:
        with runtime.store.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as exc:  # any driver failure means "not ready"
        return problem(503, f"database unavailable: {exc}")
    if runtime.tenants.find(DEFAULT_TENANT) is None:
        return problem(503, "default tenant missing")
    return JSONResponse({"status": "ready"})


async def list_tenants(request: Request) -> JSONResponse:
    """
    summary: List tenants with their base URL and credentials
    responses:
      200:
        description: Tenants, oldest first.
    """
    runtime = runtime_of(request)
    return JSONResponse({"tenants": [t.public(runtime.base_url) for t in runtime.tenants.all()]})


async def create_tenant(request: Request) -> JSONResponse:
    """
    summary: Create an isolated tenant
    description: 'Body (optional) `{"name": "...", "id": "...", "seed": {...}}`. Returns its base URL and credentials.'
    responses:
      201:
        description: Created.
      409:
        description: A tenant with that id exists.
    """
    runtime = runtime_of(request)
    body = await _json_body(request)
    if not isinstance(body, dict):
        return problem(400, "body must be an object")
    name, tenant_id = body.get("name"), body.get("id")
    if tenant_id is not None and (not isinstance(tenant_id, str) or not tenant_id.isidentifier()):
        return problem(400, "id must be a simple identifier")
    try:
        tenant = runtime.create_tenant(name=name if isinstance(name, str) else None, tenant_id=tenant_id)
    except TenantExists:
        return problem(409, f"tenant {tenant_id!r} exists")
    seed = body.get("seed")
    if isinstance(seed, dict):
        _seed(runtime, tenant, seed)
    return JSONResponse(tenant.public(runtime.base_url), status_code=201)


async def get_tenant(request: Request) -> JSONResponse:
    """
    summary: One tenant
    responses:
      200:
        description: The tenant.
      404:
        description: No such tenant.
    """
    return JSONResponse(_tenant(request).public(runtime_of(request).base_url))


def _wipe(runtime: TwinRuntime, tenant: Tenant) -> None:
    with runtime.store.session() as session:
        delete_tenant_rows(session, runtime.spec.metadata, tenant.id)
        runtime.tenants.forget(tenant.id, session)
    runtime.spec.on_tenant_changed(runtime, tenant.id)


async def delete_tenant(request: Request) -> Response:
    """
    summary: Delete a tenant and all its data
    responses:
      204:
        description: Deleted.
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    _wipe(runtime, tenant)
    runtime.faults.clear(tenant.id)
    if tenant.id == DEFAULT_TENANT:
        runtime.create_tenant(name=tenant.name, tenant_id=DEFAULT_TENANT)
    return Response(status_code=204)


def reset_runtime(runtime: TwinRuntime) -> None:
    """Every tenant deleted, the default tenant recreated, journal and faults emptied."""
    for tenant in runtime.tenants.all():
        _wipe(runtime, tenant)
    runtime.journal.clear()
    runtime.faults.clear()
    runtime.create_tenant(name="Default", tenant_id=DEFAULT_TENANT)


async def reset(request: Request) -> JSONResponse:
    """
    summary: Reset the whole twin to its initial state
    responses:
      200:
        description: Reset; the default tenant is recreated with its fixed credentials.
    """
    runtime = runtime_of(request)
    reset_runtime(runtime)
    return JSONResponse({"status": "reset", "tenants": [DEFAULT_TENANT]})


async def reset_tenant(request: Request) -> JSONResponse:
    """
    summary: Reset one tenant to freshly provisioned (same id, new data)
    responses:
      200:
        description: The recreated tenant.
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    _wipe(runtime, tenant)
    fresh = runtime.create_tenant(name=tenant.name, tenant_id=tenant.id)
    return JSONResponse(fresh.public(runtime.base_url))


async def snapshot(request: Request) -> JSONResponse:
    """
    summary: Snapshot a tenant's state as versioned JSON
    responses:
      200:
        description: "`{format: dtu.snapshot, version: 1, service, tenant, tables}`"
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    meta = {**tenant.public(runtime.base_url), "clock": tenant.clock.state()}
    with runtime.store.session() as session:
        document = snapshot_tenant(session, runtime.spec.metadata, runtime.spec.name, meta)
    return JSONResponse(document)


async def restore(request: Request) -> JSONResponse:
    """
    summary: Replace a tenant's state with a snapshot
    responses:
      200:
        description: Restored.
      400:
        description: Not a valid snapshot for this twin.
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    document = await _json_body(request)
    try:
        with runtime.store.session() as session:
            restore_tenant(session, runtime.spec.metadata, runtime.spec.name, tenant.id, document)
            saved = document.get("tenant", {}) if isinstance(document, dict) else {}
            if isinstance(saved.get("credentials"), dict):
                # A snapshot taken from a twin at another URL: its credentials' URLs follow this twin.
                taken_at = saved.get("base_url")
                credentials = saved["credentials"]
                if isinstance(taken_at, str) and taken_at != runtime.base_url:
                    credentials = rebase_urls(credentials, taken_at, runtime.base_url)
                tenant.credentials = credentials
            runtime.tenants.bump_generation(tenant)
            runtime.tenants.save(tenant, session)
    except SnapshotError as exc:
        return problem(400, str(exc))
    except IntegrityError as exc:
        return problem(409, f"snapshot rows conflict with another tenant's: {exc.orig}")
    runtime.spec.on_tenant_changed(runtime, tenant.id)
    return JSONResponse({"status": "restored", "tenant": tenant.id})


def _seed(runtime: TwinRuntime, tenant: Tenant, document: dict[str, Any]) -> dict[str, Any]:
    with runtime.store.session() as session:
        summary = runtime.spec.seed(session, tenant, runtime, document)
    runtime.spec.on_tenant_changed(runtime, tenant.id)
    return summary


async def seed(request: Request) -> JSONResponse:
    """
    summary: Load a seed document (JSON or YAML) into a tenant
    responses:
      200:
        description: What was created.
      400:
        description: Invalid seed document.
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    document = await _json_body(request)
    if not isinstance(document, dict):
        return problem(400, "seed must be an object")
    return JSONResponse({"status": "seeded", "tenant": tenant.id, "created": _seed(runtime, tenant, document)})


def _number(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    return float(raw) if raw not in (None, "") else None


async def journal(request: Request) -> JSONResponse:
    """
    summary: Query the request journal (oldest first)
    description: >
      Filters: path (substring), operation, method, status, min_status, tenant,
      since/until (epoch seconds), after (sequence number), limit (default 100, max 5000).
    responses:
      200:
        description: Entries.
    """
    runtime = runtime_of(request)
    q = request.query_params
    status, min_status, after = _number(request, "status"), _number(request, "min_status"), _number(request, "after")
    entries = runtime.journal.query(
        path=q.get("path"),
        operation=q.get("operation"),
        method=q.get("method"),
        status=int(status) if status is not None else None,
        min_status=int(min_status) if min_status is not None else None,
        tenant=q.get("tenant"),
        since=_number(request, "since"),
        until=_number(request, "until"),
        after_seq=int(after) if after is not None else None,
        limit=min(int(_number(request, "limit") or 100), 5000),
    )
    return JSONResponse(
        {"entries": [e.to_dict() for e in entries], "size": len(runtime.journal), "capacity": runtime.journal.maxlen}
    )


async def clear_journal(request: Request) -> Response:
    """
    summary: Empty the request journal
    responses:
      204:
        description: Emptied.
    """
    runtime_of(request).journal.clear()
    return Response(status_code=204)


async def list_faults(request: Request) -> JSONResponse:
    """
    summary: Active fault rules
    responses:
      200:
        description: Rules with how often each fired.
    """
    return JSONResponse({"faults": [r.to_dict() for r in runtime_of(request).faults.rules()]})


async def add_fault(request: Request) -> JSONResponse:
    """
    summary: Add a fault rule
    description: >
      `{"operation": "chat.postMessage", "kind": "latency|error|rate_limit", "probability": 0.5,
      "tenant": null, "latency_ms": 200, "status": 500, "error": "internal_error",
      "retry_after": 1, "remaining": 3}`. Optional `"seed"` reseeds the generator.
    responses:
      201:
        description: The rule.
      400:
        description: Invalid rule.
    """
    runtime = runtime_of(request)
    body = await _json_body(request)
    if not isinstance(body, dict):
        return problem(400, "body must be an object")
    if "seed" in body:
        runtime.faults.reseed(body.pop("seed"))
    try:
        rule = runtime.faults.add(body)
    except (FaultSpecError, TypeError, ValueError) as exc:
        return problem(400, str(exc))
    return JSONResponse(rule.to_dict(), status_code=201)


async def clear_faults(request: Request) -> Response:
    """
    summary: Remove all fault rules (or one tenant's with ?tenant=)
    responses:
      204:
        description: Removed.
    """
    runtime_of(request).faults.clear(request.query_params.get("tenant"))
    return Response(status_code=204)


async def delete_fault(request: Request) -> Response:
    """
    summary: Remove one fault rule
    responses:
      204:
        description: Removed.
      404:
        description: No such rule.
    """
    removed = runtime_of(request).faults.remove(int(request.path_params["rule_id"]))
    return Response(status_code=204) if removed else problem(404, "no such fault rule")


async def get_clock(request: Request) -> JSONResponse:
    """
    summary: A tenant's clock
    responses:
      200:
        description: "`{now, iso, frozen, offset}`"
    """
    return JSONResponse(_tenant(request).clock.state())


async def set_clock(request: Request) -> JSONResponse:
    """
    summary: Freeze, unfreeze, advance or set a tenant's clock
    description: >
      `{"action": "freeze"}` (optionally with `"at": epoch_seconds`), `{"action": "unfreeze"}`,
      `{"action": "advance", "seconds": 3600}`, `{"action": "set", "at": epoch_seconds}`.
    responses:
      200:
        description: The clock after the change.
      400:
        description: Unknown action or bad number.
    """
    runtime = runtime_of(request)
    tenant = _tenant(request)
    body = await _json_body(request)
    if not isinstance(body, dict):
        return problem(400, "body must be an object")
    action = body.get("action")
    try:
        if action == "freeze":
            tenant.clock.freeze(float(body["at"]) if body.get("at") is not None else None)
        elif action == "unfreeze":
            tenant.clock.unfreeze()
        elif action == "advance":
            tenant.clock.advance(float(body.get("seconds", 0)))
        elif action == "set":
            tenant.clock.set(float(body["at"]))
        else:
            return problem(400, "action must be freeze, unfreeze, advance or set")
    except (KeyError, TypeError, ValueError) as exc:
        return problem(400, f"bad clock request: {exc}")
    runtime.tenants.save(tenant)
    return JSONResponse(tenant.clock.state())


async def operations(request: Request) -> JSONResponse:
    """
    summary: The operation names this twin journals and fault rules match
    responses:
      200:
        description: "`{operations: [name, ...]}`, sorted"
    """
    return JSONResponse({"operations": sorted(set(runtime_of(request).spec.operations()))})


async def openapi(request: Request) -> Response:
    """
    summary: This control plane's OpenAPI document
    responses:
      200:
        description: OpenAPI 3 JSON.
    """
    document = schemas.get_schema(routes=control_routes())
    document["servers"] = [{"url": runtime_of(request).base_url}]
    return JSONResponse(document)


def control_routes() -> list[BaseRoute]:
    t = "/_dtu/tenants/{tenant_id}"
    return [
        Route("/_dtu/health", health, methods=["GET"]),
        Route("/_dtu/ready", ready, methods=["GET"]),
        Route("/_dtu/openapi.json", openapi, methods=["GET"], include_in_schema=True),
        Route("/_dtu/tenants", list_tenants, methods=["GET"]),
        Route("/_dtu/tenants", create_tenant, methods=["POST"]),
        Route(t, get_tenant, methods=["GET"]),
        Route(t, delete_tenant, methods=["DELETE"]),
        Route(t + "/reset", reset_tenant, methods=["POST"]),
        Route(t + "/snapshot", snapshot, methods=["GET"]),
        Route(t + "/restore", restore, methods=["POST"]),
        Route(t + "/seed", seed, methods=["POST"]),
        Route(t + "/clock", get_clock, methods=["GET"]),
        Route(t + "/clock", set_clock, methods=["POST"]),
        Route("/_dtu/reset", reset, methods=["POST"]),
        # Shorthands acting on the default tenant.
        Route("/_dtu/snapshot", snapshot, methods=["GET"]),
        Route("/_dtu/restore", restore, methods=["POST"]),
        Route("/_dtu/seed", seed, methods=["POST"]),
        Route("/_dtu/clock", get_clock, methods=["GET"]),
        Route("/_dtu/clock", set_clock, methods=["POST"]),
        Route("/_dtu/journal", journal, methods=["GET"]),
        Route("/_dtu/journal", clear_journal, methods=["DELETE"]),
        Route("/_dtu/operations", operations, methods=["GET"]),
        Route("/_dtu/faults", list_faults, methods=["GET"]),
        Route("/_dtu/faults", add_fault, methods=["POST"]),
        Route("/_dtu/faults", clear_faults, methods=["DELETE"]),
        Route("/_dtu/faults/{rule_id:int}", delete_fault, methods=["DELETE"]),
    ]


async def control_error(request: Request, exc: Exception) -> Response:
    """Errors of control-plane requests: plain JSON, never the vendor's envelope."""
    if isinstance(exc, UnknownTenant):
        return problem(404, f"no tenant {exc.args[0]!r}")
    if isinstance(exc, ValueError):
        return problem(400, str(exc))
    if isinstance(exc, TwinError) and 400 <= exc.status_code < 500:
        # A twin's seed code may raise its vendor error (e.g. Jira's "seed: unknown user"): the
        # control plane still answers in its own shape, with the status the twin chose.
        return problem(exc.status_code, str(exc))
    return problem(500, f"{type(exc).__name__}: {exc}")
