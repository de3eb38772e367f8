"""Webhooks: matching events to admin and dynamic webhooks, and delivering them after commit.

Domain code calls `emit(call, "jira:issue_updated", issue=row, changelog=group, ...)` at
the point of change. If the site has webhooks for the event, the payload is rendered then
(Jira's shape, v2 representation: `timestamp`, `webhookEvent`, `issue_event_type_name`,
`user`, `issue`, `changelog`, `comment`, `project`, `matchedWebhookIds`), JQL filters are
evaluated with the twin's JQL evaluator against the issue as it is at that point (a deleted
issue is matched before it goes), and the deliveries are queued after the transaction
commits (a rolled-back call sends nothing).

Delivery goes through the core queue (services/core/deliveries.py). As in Jira Cloud, a
failed attempt is retried when the endpoint answers 408, 409, 425, 429 or 5xx or the
connection fails or times out, with `X-Atlassian-Webhook-Retry: <n>`; the identifier
(`X-Atlassian-Webhook-Identifier`) stays the same across retries. A delivery that still
fails after the last retry is listed by `GET /rest/api/3/webhook/failed` (dynamic webhooks).
Admin webhooks with a `secret` are signed: `X-Hub-Signature: sha256=<HMAC-SHA256 hex of body>`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from sqlmodel import select

from services.core.deliveries import AttemptContext, AttemptRecord, Delivery, DeliveryQueue
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.jira import issue_render, render
from services.jira.call import JiraCall
from services.jira.jql import evaluate
from services.jira.jql.parser import JqlSyntaxError, parse
from services.jira.models import AdminWebhook, ChangeGroup, Comment, DynamicWebhook, Issue, Project, WebhookFailure

log = logging.getLogger("dtu.jira.webhooks")

USER_AGENT = "Atlassian Webhook HTTP Client"
TIMEOUT_SECONDS = 10.0
# Jira documents "up to five retries, within about 30 minutes" without an exact schedule.
RETRY_SCHEDULE = (10.0, 30.0, 120.0, 300.0, 900.0)
RETRYABLE = frozenset({408, 409, 425, 429})
ISSUE_EVENTS = ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted")
COMMENT_EVENTS = ("comment_created", "comment_updated", "comment_deleted")
PROJECT_EVENTS = ("project_created", "project_updated", "project_deleted")
ADMIN_EVENTS = ISSUE_EVENTS + COMMENT_EVENTS + PROJECT_EVENTS
DYNAMIC_EVENTS = (*ISSUE_EVENTS, *COMMENT_EVENTS, "issue_property_set", "issue_property_deleted")
JQL_SECTION = "issue-related-events-section"


@dataclass
class Planned:
    """One delivery decided inside the transaction, queued after it commits."""

    url: str
    payload: dict[str, Any] | None  # None: excludeBody
    secret: str
    owner: str  # dynamic webhook's app; "" for admin webhooks
    event: str


# -- matching -------------------------------------------------------------------------------


class Matcher:
    """JQL filters evaluated against one issue, the evaluation context built once per event."""

    def __init__(self, call: JiraCall, issue: Issue | None) -> None:
        self.call = call
        self.issue = issue
        self._context: evaluate.Context | None = None

    def matches(self, jql: str) -> bool:
        if not jql.strip() or self.issue is None:
            return True  # an empty filter matches every issue; project events have none
        try:
            query = parse(jql)
            if query.where is None:
                return True
            if self._context is None:
                self._context = evaluate.context(self.call)
                if self.issue.id not in self._context.by_id:  # e.g. created in this very call
                    self._context.issues.append(self.issue)
                    self._context.by_id[self.issue.id] = self.issue
            return bool(evaluate.compile_node(self._context, query.where)(self.issue))
        except JqlSyntaxError:
            return False


def _field_ids(changelog: ChangeGroup | None) -> set[str]:
    return {str(item.get("fieldId") or item.get("field")) for item in (changelog.items or [])} if changelog else set()


# -- payloads -------------------------------------------------------------------------------


def _v2(call: JiraCall) -> JiraCall:
    """Webhook bodies use the REST API v2 representation (rich text as strings)."""
    return dataclasses.replace(call, api_version="2")


def _changelog(changelog: ChangeGroup | None) -> dict[str, Any] | None:
    if changelog is None:
        return None
    return {"id": changelog.id, "items": changelog.items or []}


SHORT_FIELDS = ("summary", "issuetype", "project", "assignee", "priority", "status")


def _payload(
    call: JiraCall,
    event: str,
    type_name: str | None,
    issue: Issue | None,
    changelog: ChangeGroup | None,
    comment: Comment | None,
    project: Project | None,
) -> dict[str, Any]:
    v2 = _v2(call)
    body: dict[str, Any] = {"timestamp": int(call.now() * 1000), "webhookEvent": event}
    if type_name:
        body["issue_event_type_name"] = type_name
    if event in ISSUE_EVENTS:
        body["user"] = render.user_by_id(v2, call.account_id)
    if issue is not None:
        if event in COMMENT_EVENTS:
            # Comment events carry a short form of the issue.
            full = issue_render.issue(v2, issue, list(SHORT_FIELDS))
            body["issue"] = {k: full[k] for k in ("id", "self", "key", "fields")}
        else:
            body["issue"] = issue_render.issue(v2, issue)
    if changelog is not None:
        body["changelog"] = _changelog(changelog)
    if comment is not None:
        body["comment"] = issue_render.comment(v2, comment)
    if project is not None:
        body["project"] = {
            "self": f"{v2.api}/project/{project.id}",
            "id": int(project.id),
            "key": project.key,
            "name": project.name,
            "avatarUrls": render.project_avatars(v2, project),
            "projectLead": render.user_by_id(v2, project.lead_account_id),
            "assigneeType": project.assignee_type,
        }
    return body


_VARIABLE = re.compile(r"\$\{(issue\.id|issue\.key|project\.id|project\.key|modifiedUser\.accountId)\}")


def _expand_url(url: str, payload: dict[str, Any], call: JiraCall) -> str:
    """Admin webhook URLs may name `${issue.key}`, `${project.key}` ... (Jira substitutes them)."""
    issue = payload.get("issue") or {}
    project = payload.get("project") or (issue.get("fields") or {}).get("project") or {}
    values = {
        "issue.id": str(issue.get("id") or ""),
        "issue.key": str(issue.get("key") or ""),
        "project.id": str(project.get("id") or ""),
        "project.key": str(project.get("key") or ""),
        "modifiedUser.accountId": call.account_id,
    }
    return _VARIABLE.sub(lambda m: values[m.group(1)], url)


# -- emitting ---------------------------------------------------------------------------------


def emit(
    call: JiraCall,
    event: str,
    *,
    type_name: str | None = None,
    issue: Issue | None = None,
    changelog: ChangeGroup | None = None,
    comment: Comment | None = None,
    project: Project | None = None,
) -> None:
    """Decide now which webhooks get `event`; queue their deliveries once the call commits."""
    tid = call.tenant.id
    admins = [
        w
        for w in call.session.exec(select(AdminWebhook).where(AdminWebhook.tenant_id == tid)).all()
        if w.enabled and event in (w.events or [])
    ]
    now = call.now()
    dynamics = [
        w
        for w in call.session.exec(select(DynamicWebhook).where(DynamicWebhook.tenant_id == tid)).all()
        if w.expires > now and event in (w.events or [])
    ]
    if not admins and not dynamics:
        return
    matcher = Matcher(call, issue)
    fields_changed = _field_ids(changelog)
    chosen_admin = [w for w in admins if event in PROJECT_EVENTS or matcher.matches(w.jql)]
    chosen_dynamic = [
        w
        for w in dynamics
        if matcher.matches(w.jql)
        and not (event == "jira:issue_updated" and w.field_ids and not fields_changed & set(w.field_ids))
    ]
    if not chosen_admin and not chosen_dynamic:
        return
    base = _payload(call, event, type_name, issue, changelog, comment, project)
    planned: list[Planned] = []
    for hook in chosen_admin:
        body = None if hook.exclude_body else {**base, "matchedWebhookIds": [int(hook.id)]}
        planned.append(Planned(_expand_url(hook.url, base, call), body, hook.secret, "", event))
    by_app: dict[tuple[str, str], list[DynamicWebhook]] = {}
    for dynamic in chosen_dynamic:
        by_app.setdefault((dynamic.owner, dynamic.url), []).append(dynamic)
    for (owner, url), hooks in by_app.items():
        planned.append(Planned(url, {**base, "matchedWebhookIds": [int(h.id) for h in hooks]}, "", owner, event))
    identifiers = [call.next_id("webhook-delivery") for _ in planned]
    bus: WebhookBus = call.runtime.extras["webhooks"]
    tenant = call.tenant
    call.after_commit.append(lambda: bus.enqueue(tenant, list(zip(identifiers, planned, strict=True))))


# -- delivering -------------------------------------------------------------------------------


def encode(payload: Mapping[str, Any] | None) -> bytes:
    return b"" if payload is None else json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_for(identifier: str, secret: str, body: bytes) -> Callable[[AttemptContext], dict[str, str]]:
    def build(context: AttemptContext) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Atlassian-Webhook-Identifier": identifier,
            "X-Atlassian-Webhook-Flow": "Primary",
        }
        if context.number:
            headers["X-Atlassian-Webhook-Retry"] = str(context.number)
        if secret:
            headers["X-Hub-Signature"] = signature(secret, body)
        return headers

    return build


def not_retryable(response: httpx.Response) -> bool:
    return response.status_code not in RETRYABLE and response.status_code < 500


class WebhookBus:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime
        self.queue = DeliveryQueue(timeout=TIMEOUT_SECONDS, max_redirects=0, user_agent=USER_AGENT)

    def enqueue(self, tenant: Tenant, planned: list[tuple[str, Planned]]) -> None:
        for identifier, plan in planned:
            body = encode(plan.payload)
            self.queue.enqueue(
                plan.url,
                body,
                headers_for(identifier, plan.secret, body),
                schedule=RETRY_SCHEDULE,
                clock=tenant.clock,
                tenant=tenant.id,
                labels={"identifier": identifier, "event": plan.event, "owner": plan.owner},
                delivery_id=f"{tenant.id}:{identifier}",
                on_attempt=self._record,
                is_live=self._liveness(tenant),
                stop_retrying=not_retryable,
            )

    def _liveness(self, tenant: Tenant) -> Callable[[], bool]:
        """A deleted or reset site's deliveries die with it."""
        return lambda: self.runtime.tenants.find(tenant.id) is tenant

    def _record(self, delivery: Delivery, attempt: AttemptRecord) -> None:
        """A delivery that failed for good joins the failed-webhooks list."""
        if attempt.outcome != "failed" or delivery.tenant is None:
            return
        tenant = self.runtime.tenants.find(delivery.tenant)
        if tenant is None:
            return
        with self.runtime.store.session() as session:
            session.merge(
                WebhookFailure(
                    tenant_id=delivery.tenant,
                    id=delivery.labels["identifier"],
                    owner=delivery.labels.get("owner", ""),
                    url=delivery.url,
                    body=delivery.body.decode("utf-8", "replace"),
                    failure_time=tenant.clock.time(),
                )
            )

    async def run(self) -> None:
        await self.queue.run()
