"""Which deliveries mean work, which resource a ticket names, and configuration errors (no twins)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httplib2
import pytest
from googleapiclient.errors import HttpError

from examples.access_request.config import ConfigError, from_env, load_catalogue, parse_catalogue
from examples.access_request.drive_side import classify
from examples.access_request.events import job_for, signature_ok
from examples.access_request.tests.conftest import CATALOGUE

ROOT = Path(__file__).resolve().parents[3]


def delivery(to: str, category: str = "indeterminate", project: str = "10000", **extra: Any) -> dict[str, Any]:
    return {
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "issue": {
            "id": "10042",
            "key": "ACC-7",
            "fields": {"project": {"id": project}, "status": {"name": to, "statusCategory": {"key": category}}},
        },
        "changelog": {"id": "10100", "items": [{"field": "status", "fieldId": "status", "toString": to}]},
        **extra,
    }


def test_approval_and_done_become_jobs() -> None:
    grant = job_for(delivery("Approved"), "10000", "Approved")
    assert grant is not None and (grant.action, grant.key) == ("grant", "grant:10042:10100")
    revoke = job_for(delivery("Closed", "done"), "10000", "Approved")
    assert revoke is not None and revoke.action == "revoke"
    assert job_for(delivery("In Progress"), "10000", "Approved") is None
    assert job_for(delivery("approved"), "10000", "Approved") is not None  # Jira status names are case-insensitive
    assert job_for(delivery("In Progress"), "10000", "In Progress") is not None  # the approved status is configurable


def test_other_projects_events_and_fields_are_ignored() -> None:
    assert job_for(delivery("Approved", project="10001"), "10000", "Approved") is None
    assert job_for({**delivery("Approved"), "webhookEvent": "jira:issue_created"}, "10000", "Approved") is None
    summary_only = delivery("Approved")
    summary_only["changelog"]["items"] = [{"field": "summary", "fieldId": "summary", "toString": "Approved"}]
    assert job_for(summary_only, "10000", "Approved") is None
    assert job_for({"webhookEvent": "jira:issue_updated"}, "10000", "Approved") is None


def test_signatures() -> None:
    body = b'{"a": 1}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok("s3cret", body, good)
    assert not signature_ok("other", body, good)
    assert not signature_ok("s3cret", body, None)


def test_the_ticket_names_its_resource() -> None:
    catalogue = parse_catalogue(
        {"resources": {**CATALOGUE["resources"], "cluster": {"okta_group": "k8s-admins"}}, "default": "cluster"}, "t"
    )
    assert catalogue.for_ticket(["analytics-db"], "anything").name == "analytics-db"  # type: ignore[union-attr]
    assert catalogue.for_ticket([], "Need the Analytics Database today").name == "analytics-db"  # type: ignore[union-attr]
    assert catalogue.for_ticket([], "something else").name == "cluster"  # type: ignore[union-attr]
    assert parse_catalogue({"resources": {"x": {}}}, "t").for_ticket([], "y") is None


def test_catalogue_errors_name_the_place() -> None:
    with pytest.raises(ConfigError, match=r"resources\.x: unknown keys \['okta_grup'\]"):
        parse_catalogue({"resources": {"x": {"okta_grup": "g"}}}, "t")
    with pytest.raises(ConfigError, match="drive_role"):
        parse_catalogue({"resources": {"x": {"drive_role": "owner"}}}, "t")
    with pytest.raises(ConfigError, match="default 'y' is not a resource"):
        parse_catalogue({"resources": {"x": {}}, "default": "y"}, "t")
    with pytest.raises(ConfigError, match="neither a file nor valid YAML"):
        load_catalogue("resources: [unclosed")
    assert "analytics-db" in load_catalogue(None).resources  # the bundled catalogue
    assert load_catalogue(json.dumps(CATALOGUE)).resources["analytics-db"].okta_group == "db-access"


def test_missing_settings_are_named() -> None:
    with pytest.raises(ConfigError, match="DTU_GOOGLE_SERVICE_ACCOUNT_JSON is not set"):
        from_env({})
    env = {"DTU_GOOGLE_SERVICE_ACCOUNT_JSON": "{}", "ACCESS_PORT": "99999"}
    with pytest.raises(ConfigError, match="ACCESS_PORT must be a TCP port"):
        from_env(env)


def test_the_module_refuses_to_start_without_configuration() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "examples.access_request"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 2 and "is not set (run `dtu env`" in ran.stderr


def test_google_rate_limit_403s_are_retried_and_other_403s_are_not() -> None:
    """Drive answers rate limits as 403 usageLimits (userRateLimitExceeded) as well as 429."""

    def error(status: int, reason: str) -> HttpError:
        body = {"error": {"code": status, "message": reason, "errors": [{"domain": "x", "reason": reason}]}}
        return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())

    assert classify(error(403, "userRateLimitExceeded")) is not None
    assert classify(error(403, "rateLimitExceeded")) is not None
    assert classify(error(429, "rateLimitExceeded")) is not None
    assert classify(error(403, "insufficientFilePermissions")) is None
    assert classify(error(404, "notFound")) is None
