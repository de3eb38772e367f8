"""The Jira part of `make bench`: issue creation, a JQL search and a workflow transition.

- createIssue: `POST /rest/api/2/issue` (a Task in project BENCH), as the `jira` library sends it.
- search: `GET /rest/api/2/search` with `project = BENCH AND status = "In Progress" ORDER BY created DESC`
  over SEEDED_ISSUES seeded issues (a third of them In Progress), a page of 50 with navigable fields.
- transition: `POST /rest/api/2/issue/{key}/transitions`. A transition to the status an issue
  already has is refused, so wrk's script gives each thread its own issues and alternates
  To Do -> In Progress -> To Do per issue; before each load every bench issue is put back in To Do.
  (The Python load generator cannot vary the URL: it alternates on one issue, and the requests
  that find the issue already moved count as non-2xx.)
All requests use Basic auth (email:API token) of the default site's admin.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, urlencode

import httpx

SEEDED_ISSUES = 300
TRANSITION_ISSUES = 200  # BENCH-1 .. BENCH-200 take the transitions (each wrk thread half of them)
SEARCH_JQL = 'project = BENCH AND status = "In Progress" ORDER BY created DESC'
SEARCH_QUERY = "/rest/api/2/search?" + urlencode({"jql": SEARCH_JQL, "maxResults": 50}, quote_via=quote)
CREATE_BODY = json.dumps({"fields": {"project": {"key": "BENCH"}, "summary": "bench", "issuetype": {"name": "Task"}}})
TO_DO, IN_PROGRESS = "11", "21"


def basic(credentials: dict[str, str]) -> str:
    return "Basic " + base64.b64encode(f"{credentials['email']}:{credentials['api_token']}".encode()).decode()


def seed_issues(base_url: str) -> dict[str, str]:
    """Project BENCH with SEEDED_ISSUES issues (every third In Progress, the rest To Do) in the default site."""
    statuses = ["To Do", "To Do", "In Progress"]
    issues = [
        {"project": "BENCH", "summary": f"seeded {n}", "type": "Task", "status": statuses[n % 3]}
        for n in range(SEEDED_ISSUES)
    ]
    with httpx.Client(base_url=base_url, timeout=300.0) as client:
        response = client.post("/_dtu/seed", json={"projects": [{"key": "BENCH", "name": "Bench"}], "issues": issues})
        response.raise_for_status()
        credentials: dict[str, str] = client.get("/_dtu/tenants/default").json()["credentials"]
    return credentials


def reset_transitions(base_url: str, credentials: dict[str, str]) -> None:
    """Put BENCH-1..TRANSITION_ISSUES back in To Do, so every measured transition is a valid one."""
    headers = {"Authorization": basic(credentials), "Content-Type": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60.0) as client:
        jql = f'project = BENCH AND status != "To Do" AND key <= BENCH-{TRANSITION_ISSUES}'
        found = client.get("/rest/api/2/search", params={"jql": jql, "fields": "status", "maxResults": 1000})
        found.raise_for_status()
        for issue in found.json()["issues"]:
            moved = client.post(f"/rest/api/2/issue/{issue['key']}/transitions", json={"transition": {"id": TO_DO}})
            moved.raise_for_status()


def transition_body(transition: str) -> str:
    return json.dumps({"transition": {"id": transition}})


def check_answers(base_url: str, credentials: dict[str, str]) -> None:
    """Each Jira scenario must succeed once: otherwise the bench would time an error path."""
    headers = {"Authorization": basic(credentials), "Content-Type": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30.0) as client:
        found = client.get(SEARCH_QUERY)
        if found.status_code != 200 or found.json()["total"] != SEEDED_ISSUES // 3:
            raise RuntimeError(f"search answers {found.status_code}: {found.text[:300]}")
        created = client.post("/rest/api/2/issue", content=CREATE_BODY)
        if created.status_code != 201:
            raise RuntimeError(f"createIssue answers {created.status_code}: {created.text[:300]}")
        for transition in (IN_PROGRESS, TO_DO):
            moved = client.post("/rest/api/2/issue/BENCH-1/transitions", content=transition_body(transition))
            if moved.status_code != 204:
                raise RuntimeError(f"doTransition answers {moved.status_code}: {moved.text[:300]}")
