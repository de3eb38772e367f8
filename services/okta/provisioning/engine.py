"""The provisioning engine: pushes delivered through the core delivery queue, persisted in Okta's tables.

Each `ProvisioningPush` row becomes one delivery on a `DeliveryQueue` whose transport is
this engine: the queue supplies the retry schedule, backoff, tenant-clock release and the
attempt log; an "attempt" runs the push against its target (several HTTP calls: token,
lookup, create or update). The target's answer maps onto the queue's outcomes: done ->
2xx; the target down (connection refused, timeout) or answering 5xx/429 (or Google's
rate-limit 403: job.check) -> retried on
`RETRY_SCHEDULE`; a refusal (4xx) -> failed at once.

Persistence: rows are committed with the change that caused them, marked `delivered`
or `failed` when finished, and every row still `pending` is queued again when the twin
starts, so neither a target that stays down nor a restart of the Okta twin loses a push.

Pushes of one app user run one at a time (a lock per app user), so a create and the
profile update right behind it never both create an account.

System Log (Okta's event types, actor Okta System, targets the user and the app):
application.provision.user.push (account created or matched and linked),
.push_profile (profile updated), .deactivate, .reactivate; a failed push is logged with
its event type, outcome FAILURE and the target's answer as the reason, and the app user's
syncState becomes ERROR.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlmodel import col, select

from services.core.deliveries import DELIVERED, FAILED, AttemptRecord, Delivery, DeliveryQueue
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta import syslog
from services.okta.models import App, AppConnection, AppUser, ProvisioningPush, User
from services.okta.provisioning import connections, triggers
from services.okta.provisioning.atlassian import AtlassianTarget
from services.okta.provisioning.google import GoogleTarget
from services.okta.provisioning.job import Job, Outcome, Refused, Unavailable
from services.okta.provisioning.slack import SlackTarget

log = logging.getLogger("dtu.okta.provisioning")

# Back off from half a second to a minute, then keep trying every minute for a day:
# a target that is down delays provisioning, it does not lose it.
RETRY_SCHEDULE: tuple[float, ...] = (0.5, 1, 2, 4, 8, 15, 30) + (60.0,) * 1440
TIMEOUT_SECONDS = 10.0
USER_AGENT = "Okta-Provisioning"
EVENT_TYPES = {
    "push": "application.provision.user.push",
    "push_profile": "application.provision.user.push_profile",
    "deactivate": "application.provision.user.deactivate",
    "reactivate": "application.provision.user.reactivate",
}
MESSAGES = {
    "application.provision.user.push": "Push new user to external application",
    "application.provision.user.push_profile": "Push user profile update to external application",
    "application.provision.user.deactivate": "Deactivate user in external application",
    "application.provision.user.reactivate": "Reactivate user in external application",
}
Target = Callable[[httpx.AsyncClient, Job], Awaitable[Outcome]]
TARGETS: dict[str, Target] = {
    "slack": lambda client, job: SlackTarget(client, job).push(),
    "google": lambda client, job: GoogleTarget(client, job).push(),
    "jira": lambda client, job: AtlassianTarget(client, job).push(),
}
syslog.DISPLAY_MESSAGES.update(MESSAGES)


class _Transport(httpx.AsyncBaseTransport):
    """The delivery queue's transport: an attempt of delivery `tenant:push` runs that push."""

    def __init__(self, engine: ProvisioningEngine) -> None:
        self.engine = engine

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        key = json.loads(request.content)
        status = await self.engine.attempt(key["tenant"], key["push"])
        return httpx.Response(status, request=request)


class ProvisioningEngine:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime
        self.queue = DeliveryQueue(concurrency=8, timeout=TIMEOUT_SECONDS * 3, transport=_Transport(self))
        self._client: httpx.AsyncClient | None = None
        self._locks: dict[tuple[str, str, str], asyncio.Lock] = {}
        self._failures: dict[str, str] = {}  # delivery id -> why its last attempt failed

    # -- producers ---------------------------------------------------------------------
    def submit(self, tenant: Tenant, push_id: str) -> None:
        """Queue a committed push (after the transaction that wrote it)."""
        with self.runtime.store.session() as session:
            push = session.get(ProvisioningPush, (tenant.id, push_id))
            target = self._target_url(session, push) if push is not None else None
        if push is None or target is None:
            return
        self.queue.enqueue(
            target,
            json.dumps({"tenant": tenant.id, "push": push_id}).encode(),
            {"Content-Type": "application/json"},
            schedule=RETRY_SCHEDULE,
            clock=tenant.clock,
            tenant=tenant.id,
            labels={"push_id": push_id, "app_id": push.app_id, "user_id": push.user_id, "action": push.action},
            delivery_id=f"{tenant.id}:{push_id}",
            on_attempt=self._attempted,
            is_live=lambda: self.runtime.tenants.find(tenant.id) is tenant,
            stop_retrying=lambda response: 400 <= response.status_code < 500,
        )

    def _target_url(self, session: Any, push: ProvisioningPush) -> str | None:
        connection = session.get(AppConnection, (push.tenant_id, push.app_id))
        return connection.base_url if connection is not None else None

    def resume(self) -> int:
        """Queue every push still pending in the store (after a restart); returns how many."""
        with self.runtime.store.session() as session:
            statement = select(ProvisioningPush.tenant_id, ProvisioningPush.id).where(
                ProvisioningPush.state == "pending"
            )
            pending = list(session.exec(statement.order_by(col(ProvisioningPush.seq))).all())
        queued = 0
        for tenant_id, push_id in pending:
            tenant = self.runtime.tenants.find(tenant_id)
            if tenant is not None and self.queue.get(f"{tenant_id}:{push_id}") is None:
                self.submit(tenant, push_id)
                queued += 1
        return queued

    async def run(self) -> None:
        """Background work started with the twin: resume pending pushes, then deliver."""
        async with httpx.AsyncClient(
            timeout=TIMEOUT_SECONDS, trust_env=False, headers={"User-Agent": USER_AGENT}
        ) as client:
            self._client = client
            try:
                self.resume()
                await self.queue.run()
            finally:
                self._client = None

    # -- one attempt -------------------------------------------------------------------
    def _job(self, tenant_id: str, push_id: str) -> tuple[Job, str] | None:
        """The push with the Okta side's current state, and its target; None when there is nothing to do."""
        with self.runtime.store.session() as session:
            push = session.get(ProvisioningPush, (tenant_id, push_id))
            if push is None or push.state != "pending":
                return None
            app = session.get(App, (tenant_id, push.app_id))
            connection = session.get(AppConnection, (tenant_id, push.app_id))
            target = connections.target_of(app) if app is not None else None
            if app is None or connection is None or target is None:
                return None
            assignment = session.get(AppUser, (tenant_id, push.app_id, push.user_id))
            user = session.get(User, (tenant_id, push.user_id))
            job = Job(
                tenant_id=tenant_id,
                push_id=push_id,
                action=push.action,
                app_id=app.id,
                app_label=app.label,
                user_id=push.user_id,
                login=str((user.profile or {}).get("login") or push.login) if user is not None else push.login,
                external_id=(assignment.external_id if assignment is not None else None) or push.external_id,
                assigned=assignment is not None,
                status=user.status if user is not None else None,
                profile=dict(user.profile or {}) if user is not None else {},
                base_url=connection.base_url,
                token=connection.token,
                service_account=dict(connection.service_account or {}),
                subject=connection.subject,
            )
            return job, target

    async def attempt(self, tenant_id: str, push_id: str) -> int:
        """Run one push; the status tells the queue what happened (2xx done, 4xx refused, 5xx retry)."""
        key = f"{tenant_id}:{push_id}"
        found = self._job(tenant_id, push_id)
        if found is None or self._client is None:
            return 204
        job, target = found
        lock = self._locks.setdefault((tenant_id, job.app_id, job.user_id), asyncio.Lock())
        async with lock:
            found = self._job(tenant_id, push_id)  # re-read: an earlier push may have linked the account
            if found is None:
                return 204
            job = found[0]
            try:
                outcome = await TARGETS[target](self._client, job)
            except Refused as refused:
                self._failures[key] = str(refused)
                return 400 if refused.status < 400 else refused.status
            except Unavailable as unavailable:
                self._failures[key] = str(unavailable)
                return 503
            except httpx.TransportError as exc:
                self._failures[key] = f"{type(exc).__name__}: the target cannot be reached"
                raise
            self._failures.pop(key, None)
            self._finish(job, outcome)
        return 200

    def _finish(self, job: Job, outcome: Outcome) -> None:
        tenant = self.runtime.tenants.find(job.tenant_id)
        with self.runtime.store.session() as session:
            now = tenant.clock.time() if tenant is not None else 0.0
            push = session.get(ProvisioningPush, (job.tenant_id, job.push_id))
            if push is not None:
                push.state, push.finished, push.external_id = "delivered", now, outcome.external_id
                session.add(push)
            assignment = session.get(AppUser, (job.tenant_id, job.app_id, job.user_id))
            if assignment is not None:
                assignment.external_id = outcome.external_id or assignment.external_id
                assignment.sync_state = "SYNCHRONIZED" if outcome.external_id else assignment.sync_state
                assignment.last_sync = now
                session.add(assignment)
            session.commit()
        if tenant is not None and outcome.action is not None:
            self._log(tenant, job, EVENT_TYPES[outcome.action], "SUCCESS", None)

    def _attempted(self, delivery: Delivery, record: AttemptRecord) -> None:
        """After each attempt: count it on the row; a final failure is marked and logged."""
        if delivery.tenant is None:
            return
        push_id = delivery.labels["push_id"]
        why = (
            self._failures.pop(delivery.id, None)
            if delivery.state in (DELIVERED, FAILED)
            else self._failures.get(delivery.id)
        )
        with self.runtime.store.session() as session:
            push = session.get(ProvisioningPush, (delivery.tenant, push_id))
            if push is None:
                return
            push.attempts = delivery.attempts
            push.last_error = why or record.error
            failed = delivery.state == FAILED and push.state == "pending"
            if failed:
                push.state = "failed"
                assignment = session.get(AppUser, (delivery.tenant, push.app_id, push.user_id))
                if assignment is not None:
                    assignment.sync_state = "ERROR"
                    session.add(assignment)
            elif delivery.state == DELIVERED and push.state == "pending":
                push.state = "delivered"  # nothing needed doing (the app or connection went away)
            session.add(push)
            session.commit()
            job = self._job_snapshot(push) if failed else None
        tenant = self.runtime.tenants.find(delivery.tenant)
        if failed and tenant is not None and job is not None:
            self._log(tenant, job, EVENT_TYPES.get(job.action, EVENT_TYPES["push"]), "FAILURE", why or record.error)

    def _job_snapshot(self, push: ProvisioningPush) -> Job:
        return Job(
            tenant_id=push.tenant_id,
            push_id=push.id,
            action=push.action,
            app_id=push.app_id,
            app_label="",
            user_id=push.user_id,
            login=push.login,
            external_id=push.external_id,
            assigned=False,
            status=None,
        )

    def _log(self, tenant: Tenant, job: Job, event_type: str, outcome: str, reason: str | None) -> None:
        with self.runtime.store.session() as session:
            app = session.get(App, (tenant.id, job.app_id))
            user = session.get(User, (tenant.id, job.user_id))
            targets = [syslog.app_target(app)] if app is not None else []
            if user is not None:
                targets.insert(0, syslog.user_target(user))
        syslog.record_job(
            self.runtime,
            tenant,
            event_type,
            targets=targets,
            outcome=outcome,
            reason=reason,
            severity="INFO" if outcome == "SUCCESS" else "WARN",
            debug_data={"pushId": job.push_id},
        )

    # -- tests and the control plane ----------------------------------------------------
    async def wait_idle(self, timeout: float = 10.0) -> None:
        await self.queue.wait_idle(timeout)


def attach(runtime: TwinRuntime) -> None:
    runtime.extras["provisioning"] = ProvisioningEngine(runtime)
    runtime.extras.setdefault("log_observers", []).append(triggers.observe)
