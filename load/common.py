"""What every locustfile shares: where a twin is, its credentials, and one checked HTTP call.

Where a twin is: the variable `dtu env` prints for it (DTU_SLACK_URL, DTU_OKTA_ORG_URL, ...), else
the fleet's default port on 127.0.0.1; Locust's `--host` overrides both (per-twin locustfiles).
Credentials: the twin's `dtu env` variables when all of them are set, else the tenant's
credentials from the twin's control plane (GET {root}/_dtu/tenants/{DTU_LOAD_TENANT or default}).
Each Locust process (a local run, or every worker of a distributed run) resolves them once.
"""

from __future__ import annotations

import json
import os
import platform
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # no runtime import: importing Locust monkey-patches the process (load/run.py uses Twin)
    from locust import FastHttpUser

TENANT_VARIABLE = "DTU_LOAD_TENANT"
THINK_VARIABLE = "DTU_LOAD_THINK_MAX"  # upper bound of a user's pause between calls, in seconds
DEFAULT_THINK_MAX = 0.1


@dataclass(frozen=True)
class Twin:
    name: str
    default_port: int
    url_variable: str  # the `dtu env` variable saying where the twin is
    secret_variables: Mapping[str, str]  # credential key -> the `dtu env` variable holding it
    url_suffix: str = ""  # what the URL variable adds to the twin's root (Slack's "/api/")
    json_keys: frozenset[str] = field(default_factory=frozenset)  # variables holding JSON documents

    def host(self) -> str:
        """The base URL Locust prefixes to request paths."""
        value = os.environ.get(self.url_variable, "").strip()
        if not value:
            return f"http://127.0.0.1:{self.default_port}"
        if self.url_suffix and value.endswith(self.url_suffix):
            value = value[: -len(self.url_suffix)]
        return value.rstrip("/")


SLACK = Twin(
    "slack",
    4103,
    "DTU_SLACK_URL",
    {"bot_token": "DTU_SLACK_BOT_TOKEN", "user_token": "DTU_SLACK_USER_TOKEN"},
    url_suffix="/api/",
)
OKTA = Twin("okta", 4101, "DTU_OKTA_ORG_URL", {"api_token": "DTU_OKTA_API_TOKEN"})
JIRA = Twin(
    "jira",
    4102,
    "DTU_JIRA_URL",
    {"email": "DTU_JIRA_EMAIL", "api_token": "DTU_JIRA_API_TOKEN", "account_id": "DTU_JIRA_ACCOUNT_ID"},
)
GOOGLE = Twin(
    "google",
    4104,
    "DTU_GOOGLE_URL",
    {
        "service_account": "DTU_GOOGLE_SERVICE_ACCOUNT_JSON",
        "admin_email": "DTU_GOOGLE_ADMIN_EMAIL",
        "token_uri": "DTU_GOOGLE_TOKEN_URI",
    },
    json_keys=frozenset({"service_account"}),
)
TWINS = (OKTA, JIRA, SLACK, GOOGLE)

_lock = threading.Lock()  # a gevent lock once Locust has patched the process
_cache: dict[tuple[str, str], dict[str, Any]] = {}


def control_root(host: str) -> str:
    """scheme://host:port of a twin: the control plane lives at the root, not under an org path."""
    parts = urllib.parse.urlsplit(host)
    return f"{parts.scheme}://{parts.netloc}"


def credentials(twin: Twin, host: str) -> dict[str, Any]:
    """The tenant's credentials for `twin` served at `host` (cached per process)."""
    key = (twin.name, host)
    with _lock:
        if key not in _cache:
            _cache[key] = _from_environment(twin) or _from_control_plane(host)
        return _cache[key]


def _from_environment(twin: Twin) -> dict[str, Any] | None:
    values = {key: os.environ.get(variable) for key, variable in twin.secret_variables.items()}
    if not all(values.values()):
        return None
    return {key: json.loads(str(v)) if key in twin.json_keys else v for key, v in values.items()}


def _from_control_plane(host: str) -> dict[str, Any]:
    tenant = os.environ.get(TENANT_VARIABLE) or "default"
    url = f"{control_root(host)}/_dtu/tenants/{urllib.parse.quote(tenant, safe='')}"
    with urllib.request.urlopen(url, timeout=10) as response:
        body: dict[str, Any] = json.load(response)
    found: dict[str, Any] = body["credentials"]
    return found


def think_max() -> float:
    return float(os.environ.get(THINK_VARIABLE) or DEFAULT_THINK_MAX)


def package_version(name: str, fallback: str) -> str:
    """The installed SDK's version for its User-Agent; the load generator does not need the SDK itself."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return fallback


PYTHON = platform.python_version()
SYSTEM = f"{platform.system()}/{platform.release()}"

Check = Callable[[Any], str | None]  # a vendor-level check of a decoded body: the failure, or None


def call(
    user: FastHttpUser,
    method: str,
    path: str,
    name: str,
    *,
    headers: Mapping[str, str],
    query: str = "",
    body: str | None = None,
    expect: tuple[int, ...] = (200,),
    check: Check | None = None,
) -> Any:
    """One request, counted under `name`; returns the decoded body, or None when it failed.

    A failure is an unexpected status, a body that is not JSON, or what `check` finds (Slack's
    `ok: false` arrives with HTTP 200).
    """
    url = f"{path}?{query}" if query else path
    with user.client.request(method, url, name=name, data=body, headers=dict(headers), catch_response=True) as r:
        if r.status_code not in expect:
            r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
            return None
        if not r.content:
            r.success()
            return {}
        try:
            payload = r.json()
        except ValueError:
            r.failure(f"HTTP {r.status_code}: body is not JSON")
            return None
        problem = check(payload) if check is not None else None
        if problem:
            r.failure(problem)
            return None
        r.success()
        return payload
