"""Jira load: a team filing, searching, commenting on and moving issues, in the `jira` library's HTTP shapes.

The `jira` library (pycontribs, on requests) authenticates with Basic email:API-token and sends
`Accept: application/json,*/*;q=0.9`, `Content-Type: application/json`, `Cache-Control: no-cache`
and `X-Atlassian-Token: no-check` on every call. `create_issue` POSTs then GETs the new issue;
`search_issues` reads GET /rest/api/2/field once, then GET /rest/api/2/search/jql with
`fields=*all`; `transition_issue` GETs the issue's transitions, then POSTs the chosen one.
Query strings are form-encoded (`+` for spaces), as requests does.

Every load user files into one project, LOAD, created on first use (as the site admin, so the
credentials must be an admin's: `dtu env` prints the site admin's).

    locust -f load/locustfile_jira.py --headless -u 10 -r 5 -t 30s [--host http://127.0.0.1:4102]
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import threading
import urllib.parse
from typing import Any

from locust import FastHttpUser, between, task

from load import bounds, report
from load.common import JIRA, call, credentials, package_version, think_max

report.install()
bounds.install()

PROJECT = "LOAD"
USER_AGENT = f"python-requests/{package_version('requests', '2.32.0')}"
KEEP_ISSUES = 50  # recently filed issues a user comments on and moves
_project_lock = threading.Lock()  # one creation per process; other workers' races end in a 400, then a read
_project_ready: set[str] = set()


class JiraUser(FastHttpUser):
    """A team member: searches most, reads issues, comments, files new ones and moves them along."""

    twin = JIRA.name
    host = JIRA.host()
    wait_time = between(0, think_max())
    weight = 2

    def on_start(self) -> None:
        creds = credentials(JIRA, self.host)
        basic = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
        self.headers = {
            "Accept": "application/json,*/*;q=0.9",
            "Accept-Encoding": "gzip, deflate",
            "Cache-Control": "no-cache",
            "Content-Type": "application/json",
            "X-Atlassian-Token": "no-check",
            "Authorization": f"Basic {basic}",
            "User-Agent": USER_AGENT,
        }
        self.issues: list[str] = []
        self.ensure_project(creds["account_id"])
        self.api("GET", "/rest/api/2/field", "getFields")

    def api(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        params: str = "",
        body: Any = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        data = json.dumps(body) if body is not None else None
        name = f"jira {operation}"
        return call(self, method, path, name, headers=self.headers, query=params, body=data, expect=expect)

    def ensure_project(self, lead_account_id: str) -> None:
        with _project_lock:
            if self.host in _project_ready:
                return
            path = f"/rest/api/2/project/{PROJECT}"
            found = self.api("GET", path, "getProject", expect=(200, 404))
            if found is not None and "key" not in found:
                payload = {
                    "key": PROJECT,
                    "name": "Load Test",
                    "projectTypeKey": "software",
                    "projectTemplateKey": "com.pyxis.greenhopper.jira:gh-simplified-basic",
                    "leadAccountId": lead_account_id,
                    "assigneeType": "UNASSIGNED",
                }
                # 400: another worker created it first.
                self.api("POST", "/rest/api/2/project", "createProject", body=payload, expect=(201, 400))
            _project_ready.add(self.host)

    @task(2)
    def create_issue(self) -> None:
        fields = {
            "project": {"key": PROJECT},
            "summary": f"Access request {secrets.token_hex(3)}",
            "issuetype": {"name": "Task"},
            "description": "Please grant read access to the analytics database.",
            "labels": ["access-request"],
        }
        created = self.api("POST", "/rest/api/2/issue", "createIssue", body={"fields": fields}, expect=(201,))
        if created and self.api("GET", f"/rest/api/2/issue/{created['key']}", "getIssue"):
            self.issues = [*self.issues[-(KEEP_ISSUES - 1) :], created["key"]]

    @task(4)
    def search(self) -> None:
        jql = random.choice(
            (
                f'project = {PROJECT} AND status = "To Do" ORDER BY created DESC',
                f"project = {PROJECT} AND labels = access-request AND updated >= -1d ORDER BY updated DESC",
                "assignee is EMPTY AND statusCategory != Done ORDER BY priority DESC, created ASC",
            )
        )
        params = urllib.parse.urlencode({"jql": jql, "fields": "*all", "maxResults": 50})
        self.api("GET", "/rest/api/2/search/jql", "searchAndReconsileIssuesUsingJql", params=params)

    @task(3)
    def get_issue(self) -> None:
        if self.issues:
            self.api("GET", f"/rest/api/2/issue/{random.choice(self.issues)}", "getIssue")

    @task(2)
    def comment(self) -> None:
        if self.issues:
            key = random.choice(self.issues)
            self.api(
                "POST",
                f"/rest/api/2/issue/{key}/comment",
                "addComment",
                body={"body": "Approved by the data owner."},
                expect=(201,),
            )

    @task(1)
    def transition(self) -> None:
        if not self.issues:
            return
        key = random.choice(self.issues)
        available = self.api("GET", f"/rest/api/2/issue/{key}/transitions", "getTransitions")
        if not available or not available.get("transitions"):
            return
        chosen = random.choice(available["transitions"])
        body = {"transition": {"id": chosen["id"]}, "fields": {}}
        if self.api("POST", f"/rest/api/2/issue/{key}/transitions", "doTransition", body=body, expect=(204,)) is None:
            return
        if chosen.get("to", {}).get("statusCategory", {}).get("key") == "done" and key in self.issues:
            self.issues.remove(key)  # finished work leaves the user's queue
