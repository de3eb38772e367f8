"""Jira: the tickets (jira library), the webhook to this service and the approval workflow (REST)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import requests
from jira import JIRA, JIRAError

from examples.access_request import retry
from examples.access_request.config import Settings

log = logging.getLogger("access_request.jira")

WEBHOOK_NAME = "access-request service"
WORKFLOW_NAME = "Access request workflow"
SCHEME_NAME = "Access request scheme"
V3 = "/rest/api/3"


class Permanent(Exception):
    """A failure retrying will not fix (missing project, refused setup...)."""


def classify(exc: BaseException) -> retry.Transient | None:
    if isinstance(exc, JIRAError):
        if exc.status_code in retry.TRANSIENT_STATUSES:
            headers = exc.response.headers if exc.response is not None else {}
            return retry.Transient(retry.retry_after_of(headers))
        return None
    if isinstance(exc, httpx.HTTPStatusError):
        if exc.response.status_code in retry.TRANSIENT_STATUSES:
            return retry.Transient(retry.retry_after_of(exc.response.headers))
        return None
    if isinstance(exc, requests.ConnectionError | requests.Timeout | httpx.TransportError):
        return retry.Transient()
    return None


def library_client(settings: Settings) -> JIRA:
    """The jira library as the site admin, with its own retries (429, and 503 with Retry-After)."""
    client = JIRA(
        server=settings.jira_url,
        basic_auth=(settings.jira_email, settings.jira_api_token),
        max_retries=3,
        get_server_info=False,
        timeout=30,
    )
    # ResilientSession waits up to 60 s between tries by default (10 s * 2^n for connection errors);
    # cap it so one slow call does not hold a grant for minutes. Our own layer adds the 5xx it skips.
    client._session.max_retry_delay = 5
    return client


def rest_client(settings: Settings) -> httpx.Client:
    """Plain REST for what the library has no call for (webhooks, workflows, schemes)."""
    return httpx.Client(base_url=settings.jira_url, auth=(settings.jira_email, settings.jira_api_token), timeout=30.0)


def _json(http: httpx.Client, method: str, path: str, what: str, **kwargs: Any) -> Any:
    def once() -> httpx.Response:
        response = http.request(method, path, **kwargs)
        if response.status_code in retry.TRANSIENT_STATUSES:
            response.raise_for_status()
        return response

    response = retry.call(once, classify, what)
    if response.status_code >= 400:
        raise Permanent(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


@dataclass(frozen=True)
class Project:
    id: str
    key: str


def project(http: httpx.Client, key_or_id: str) -> Project:
    body = _json(http, "GET", f"{V3}/project/{key_or_id}", f"get project {key_or_id}")
    return Project(str(body["id"]), str(body["key"]))


def ensure_approved_status(http: httpx.Client, settings: Settings, proj: Project) -> bool:
    """Make sure the project's tickets can reach the approved status.

    Jira's simplified workflow has no "Approved" status, so unless the project already has it,
    install a workflow To Do / In Progress / Approved / Done (all global transitions, named
    after their target as Jira's simplified workflow names them) through a workflow scheme.
    Jira only associates a scheme with a project that has no issues yet; otherwise this
    returns False and the project must be set up by its admin.
    """
    wanted = settings.approved_status.lower()
    if wanted in _project_status_names(http, proj):
        return True
    if not settings.setup_workflow:
        return False
    _create_workflow(http, settings)
    scheme = _json(
        http,
        "POST",
        f"{V3}/workflowscheme",
        "create workflow scheme",
        json={
            "name": f"{SCHEME_NAME} ({proj.key})",
            "description": "Access requests",
            "defaultWorkflow": WORKFLOW_NAME,
        },
    )
    try:
        _json(
            http,
            "PUT",
            f"{V3}/workflowscheme/project",
            "assign workflow scheme",
            json={"projectId": proj.id, "workflowSchemeId": str(scheme["id"])},
        )
    except Permanent as exc:
        log.error("cannot give project %s the %s status: %s", proj.key, settings.approved_status, exc)
        return False
    return wanted in _project_status_names(http, proj)


def _project_status_names(http: httpx.Client, proj: Project) -> set[str]:
    types = _json(http, "GET", f"{V3}/project/{proj.id}/statuses", "project statuses")
    return {str(status["name"]).lower() for issue_type in types for status in issue_type.get("statuses", [])}


def _create_workflow(http: httpx.Client, settings: Settings) -> None:
    existing = _json(http, "GET", f"{V3}/workflows/search", "search workflows", params={"queryString": WORKFLOW_NAME})
    if any(w.get("name") == WORKFLOW_NAME for w in existing.get("values", [])):
        return
    approved = settings.approved_status
    names = [("To Do", "TODO"), ("In Progress", "IN_PROGRESS"), (approved, "IN_PROGRESS"), ("Done", "DONE")]
    refs = [f"s{i}" for i in range(len(names))]
    transitions: list[dict[str, Any]] = [{"id": "1", "name": "Create", "type": "INITIAL", "toStatusReference": refs[0]}]
    transitions += [
        {"id": str(11 + 10 * i), "name": name, "type": "GLOBAL", "toStatusReference": ref}
        for i, ((name, _), ref) in enumerate(zip(names, refs, strict=True))
    ]
    body = {
        "scope": {"type": "GLOBAL"},
        "statuses": [
            {"name": name, "statusCategory": category, "statusReference": ref}
            for (name, category), ref in zip(names, refs, strict=True)
        ],
        "workflows": [
            {
                "name": WORKFLOW_NAME,
                "description": "Access requests: approved grants, done revokes",
                "statuses": [{"statusReference": ref, "properties": {}} for ref in refs],
                "transitions": transitions,
            }
        ],
    }
    _json(http, "POST", f"{V3}/workflows/create", "create workflow", json=body)


def register_webhook(http: httpx.Client, settings: Settings, proj: Project) -> str:
    """An admin webhook for this project's issue updates, replacing ours from an earlier run.

    The filter names the project by id, so that a project key rename does not silence it.
    """
    for hook in _json(http, "GET", "/rest/webhooks/1.0/webhook", "list webhooks") or []:
        if hook.get("url") == settings.webhook_url:
            _json(http, "DELETE", _path(http, hook["self"]), "delete stale webhook")
    created = _json(
        http,
        "POST",
        "/rest/webhooks/1.0/webhook",
        "register webhook",
        json={
            "name": WEBHOOK_NAME,
            "url": settings.webhook_url,
            "events": ["jira:issue_updated"],
            "filters": {"issue-related-events-section": f"project = {proj.id}"},
            "excludeBody": False,
            "secret": settings.webhook_secret,
        },
    )
    return str(created["self"])


def unregister_webhook(http: httpx.Client, self_url: str) -> None:
    response = http.delete(_path(http, self_url))
    if response.status_code not in (204, 404):
        log.warning("could not delete webhook %s: HTTP %s", self_url, response.status_code)


def _path(http: httpx.Client, url: str) -> str:
    return url.removeprefix(str(http.base_url).rstrip("/"))


@dataclass(frozen=True)
class Ticket:
    id: str
    key: str  # as it is now (a project key rename re-keys issues)
    project_key: str
    reporter_account_id: str | None
    reporter_email: str | None
    summary: str
    labels: list[str]
    status: str
    was_approved: bool  # reached the approved status at some point (from the changelog)


def ticket(client: JIRA, issue_id: str, approved_status: str) -> Ticket:
    """The ticket read fresh, so that keys and the reporter are today's, not the delivery's."""
    issue = retry.call(lambda: client.issue(issue_id, expand="changelog"), classify, f"get issue {issue_id}")
    fields = issue.fields
    reporter = getattr(fields, "reporter", None)
    account_id = getattr(reporter, "accountId", None) if reporter is not None else None
    email = getattr(reporter, "emailAddress", None) if reporter is not None else None
    if account_id and not email:
        # Cloud hides emails by privacy setting in issue bodies; the user resource may still show it.
        user = retry.call(lambda: client.user(account_id), classify, f"get user {account_id}")
        email = getattr(user, "emailAddress", None)
    wanted = approved_status.lower()
    approved = any(
        item.field == "status" and str(getattr(item, "toString", "")).lower() == wanted
        for history in getattr(getattr(issue, "changelog", None), "histories", [])
        for item in history.items
    )
    return Ticket(
        id=str(issue.id),
        key=issue.key,
        project_key=fields.project.key,
        reporter_account_id=account_id,
        reporter_email=email,
        summary=fields.summary or "",
        labels=list(fields.labels or []),
        status=fields.status.name,
        was_approved=approved,
    )


def has_comment_with(client: JIRA, issue_key: str, marker: str) -> bool:
    comments = retry.call(lambda: client.comments(issue_key), classify, f"list comments {issue_key}")
    return any(marker in (c.body or "") for c in comments)


def comment(client: JIRA, issue_key: str, body: str, marker: str) -> None:
    """Add the audit comment once: the marker makes a retried or redelivered job find its earlier comment."""

    def once() -> None:
        # Checked on every try: a 5xx after the comment was stored must not produce a second one.
        if not has_comment_with(client, issue_key, marker):
            client.add_comment(issue_key, f"{body}\n{marker}")

    retry.call(once, classify, f"comment on {issue_key}")
