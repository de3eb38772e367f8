"""Which Jira webhook deliveries mean work: a ticket of our project entering the approved status
(grant) or a done-category status (revoke)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["grant", "revoke"]


@dataclass(frozen=True)
class Job:
    action: Action
    issue_id: str
    issue_key: str  # as delivered; the worker reads the ticket again before acting
    changelog_id: str

    @property
    def key(self) -> str:
        """One transition of one ticket: redeliveries and duplicate webhooks map to the same key."""
        return f"{self.action}:{self.issue_id}:{self.changelog_id}"


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Jira admin webhooks with a secret carry `X-Hub-Signature: sha256=<HMAC-SHA256 hex of the body>`."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def job_for(payload: dict[str, Any], project_id: str, approved_status: str) -> Job | None:
    if payload.get("webhookEvent") != "jira:issue_updated":
        return None
    issue = payload.get("issue") or {}
    fields = issue.get("fields") or {}
    project = fields.get("project") or {}
    if str(project.get("id", project_id)) != project_id:
        return None
    changelog = payload.get("changelog") or {}
    moves = [item for item in changelog.get("items") or [] if item.get("fieldId", item.get("field")) == "status"]
    if not moves or not issue.get("id") or changelog.get("id") is None:
        return None
    target = str(moves[-1].get("toString") or "")
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}).get("key") if status.get("name") == target else None
    if target.lower() == approved_status.lower():
        action: Action = "grant"
    elif category == "done" or (category is None and target.lower() == "done"):
        action = "revoke"
    else:
        return None
    return Job(action, str(issue["id"]), str(issue.get("key", "")), str(changelog["id"]))
