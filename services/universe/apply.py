"""Loading a universe into a tenant of every twin: over the control planes, or in process.

Both paths compile the same documents (compile.py) after reading the Slack and Google tenants'
credentials, which Okta's provisioning connections need; Okta is seeded last for that reason.
A seed is a starting state: the twins send no webhooks, events or provisioning pushes for it.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

from services.universe.compile import Targets, compile_universe, okta_document
from services.universe.fleet import FleetClient
from services.universe.model import Universe
from services.universe.sso import connect_all

if TYPE_CHECKING:
    from services.core.twin import TwinRuntime

# Targets before Okta, whose apps link to their accounts.
ORDER = ("google", "slack", "jira", "okta")
MARKER = "universe"  # key of the tenant credentials recording which universe a tenant holds


def fingerprint(universe: Universe) -> str:
    """A short digest of the universe's content: tells whether a kept tenant already holds it."""
    text = json.dumps(universe.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def apply_universe(universe: Universe, fleet: FleetClient, tenant: str, *, replace: bool = False) -> dict[str, Any]:
    """Create `tenant` in every twin of `fleet` when missing and seed the universe into it.

    `replace`: reset a tenant that exists first (its data goes). Returns
    `{"tenant", "seconds", "credentials": {twin: ...}, "created": {twin: summary}}`.
    """
    started = time.perf_counter()
    twins = [name for name in ORDER if name in fleet.urls]
    records = {name: fleet.ensure_tenant(name, tenant, universe.company.name) for name in twins}
    if replace:
        records = {name: fleet.reset_tenant(name, tenant) for name in twins}
    credentials = {name: record.get("credentials") or {} for name, record in records.items()}
    documents = compile_universe(universe)
    created = {name: fleet.seed(name, tenant, documents[name]) for name in twins if name != "okta"}
    if "google" in twins:
        # The Google seed moved the administrator into the company's domain: read the credentials again.
        credentials["google"] = (fleet.tenant("google", tenant) or {}).get("credentials") or {}
    if "okta" in twins:
        targets = Targets.from_credentials(credentials.get("slack"), credentials.get("google"), credentials.get("jira"))
        created["okta"] = fleet.seed("okta", tenant, okta_document(universe, targets))
        # People sign in to Slack, Google and Jira through the Okta org (OIDC apps read back from Okta's API).
        created.update(
            connect_all(fleet, tenant, {n: credentials[n] for n in ("okta", "slack", "google", "jira") if n in twins})
        )
    return {
        "tenant": tenant,
        "seconds": round(time.perf_counter() - started, 3),
        "credentials": credentials,
        "created": created,
    }


def apply_in_process(universe: Universe, runtimes: dict[str, TwinRuntime], tenant: str = "default") -> dict[str, Any]:
    """Seed twins built in this process (what `dtu up` does for its default tenant), no HTTP.

    A tenant that already holds a universe (a kept `--data-dir`) is left as it is.
    """
    started = time.perf_counter()
    held = {name: runtime.tenants.get(tenant).credentials.get(MARKER) for name, runtime in runtimes.items()}
    if any(held.values()):
        return {"tenant": tenant, "skipped": True, "held": held, "seconds": 0.0, "created": {}}
    documents = compile_universe(universe)
    created: dict[str, Any] = {}
    for name in [n for n in ORDER if n in runtimes]:
        if name == "okta":
            credentials = {n: r.tenants.get(tenant).credentials for n, r in runtimes.items()}
            documents["okta"] = okta_document(
                universe,
                Targets.from_credentials(credentials.get("slack"), credentials.get("google"), credentials.get("jira")),
            )
        runtime = runtimes[name]
        record = runtime.tenants.get(tenant)
        with runtime.store.session() as session:
            created[name] = runtime.spec.seed(session, record, runtime, documents[name])
            record.credentials = {**record.credentials, MARKER: fingerprint(universe)}
            runtime.tenants.save(record, session)
        runtime.spec.on_tenant_changed(runtime, record.id)
    return {"tenant": tenant, "skipped": False, "seconds": round(time.perf_counter() - started, 3), "created": created}
