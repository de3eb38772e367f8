"""Okta load: an admin script provisioning, looking up and grouping users, in the okta SDK's HTTP shapes.

The okta SDK (3.x) sends `Accept: application/json` on every call and `Content-Type:
application/json` with a body; membership changes and lifecycle operations carry no body but
`Content-Type: application/octet-stream`. Query strings are percent-encoded with `%20` for
spaces (`search=profile.department%20eq%20%22Engineering%22`). The token goes in
`Authorization: SSWS {token}`, Okta's documented form.

A user keeps at most KEEP_USERS people of its own; past that it offboards the oldest
(deactivate, then delete), so a long run does not grow the org without bound.

    locust -f load/locustfile_okta.py --headless -u 10 -r 5 -t 30s [--host http://127.0.0.1:4101]
"""

from __future__ import annotations

import json
import random
import secrets
import urllib.parse
from typing import Any

from locust import FastHttpUser, between, task

from load import bounds, report
from load.common import OKTA, call, credentials, think_max

report.install()
bounds.install()

USER_AGENT = "OpenAPI-Generator/1.0.0/python"  # what okta 3.x's generated client sends
DEPARTMENTS = ("Engineering", "Sales", "Finance", "Support")
KEEP_USERS = 20


def query(**params: Any) -> str:
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


class OktaUser(FastHttpUser):
    """An identity admin: many searches and lookups, some hires, group changes and departures."""

    twin = OKTA.name
    host = OKTA.host()
    wait_time = between(0, think_max())
    weight = 2

    def on_start(self) -> None:
        token = credentials(OKTA, self.host)["api_token"]
        self.headers = {"Accept": "application/json", "Authorization": f"SSWS {token}", "User-Agent": USER_AGENT}
        self.people: list[str] = []  # ids of users this load user created, oldest first
        self.members: set[str] = set()
        group = self.api(
            "POST",
            "/api/v1/groups",
            "addGroup",
            body={"profile": {"name": f"load-{secrets.token_hex(5)}", "description": "Load test group"}},
        )
        self.group_id: str | None = group["id"] if group else None

    def api(
        self, method: str, path: str, operation: str, *, params: str = "", body: Any = None, expect: int = 200
    ) -> Any:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT"):
            headers["Content-Type"] = "application/octet-stream"
        data = json.dumps(body) if body is not None else None
        return call(self, method, path, f"okta {operation}", headers=headers, query=params, body=data, expect=(expect,))

    @task(4)
    def search_department(self) -> None:
        expression = f'profile.department eq "{random.choice(DEPARTMENTS)}"'
        self.api("GET", "/api/v1/users", "listUsers", params=query(search=expression, limit=200))

    @task(2)
    def filter_active(self) -> None:
        self.api("GET", "/api/v1/users", "listUsers", params=query(filter='status eq "ACTIVE"', limit=200))

    @task(4)
    def get_user(self) -> None:
        if self.people:
            self.api("GET", f"/api/v1/users/{random.choice(self.people)}", "getUser")

    @task(2)
    def create_user(self) -> None:
        login = f"load.{secrets.token_hex(6)}@example.com"
        profile = {
            "firstName": "Load",
            "lastName": login.split("@")[0].split(".")[1],
            "email": login,
            "login": login,
            "department": random.choice(DEPARTMENTS),
        }
        # activate=true without a password: the user is PROVISIONED, as in an HR-driven import.
        created = self.api("POST", "/api/v1/users", "createUser", params="activate=true", body={"profile": profile})
        if created:
            self.people.append(created["id"])
        if len(self.people) > KEEP_USERS:
            self.offboard(self.people.pop(0))

    def offboard(self, user_id: str) -> None:
        self.members.discard(user_id)
        if self.api("POST", f"/api/v1/users/{user_id}/lifecycle/deactivate", "deactivateUser") is not None:
            self.api("DELETE", f"/api/v1/users/{user_id}", "deleteUser", expect=204)

    @task(2)
    def add_to_group(self) -> None:
        candidates = [p for p in self.people if p not in self.members]
        if self.group_id and candidates:
            user_id = random.choice(candidates)
            path = f"/api/v1/groups/{self.group_id}/users/{user_id}"
            if self.api("PUT", path, "assignUserToGroup", expect=204) is not None:
                self.members.add(user_id)

    @task(1)
    def remove_from_group(self) -> None:
        if self.group_id and self.members:
            user_id = random.choice(sorted(self.members))
            path = f"/api/v1/groups/{self.group_id}/users/{user_id}"
            if self.api("DELETE", path, "unassignUserFromGroup", expect=204) is not None:
                self.members.discard(user_id)

    @task(2)
    def group_members(self) -> None:
        if self.group_id:
            self.api("GET", f"/api/v1/groups/{self.group_id}/users", "listGroupUsers", params=query(limit=200))
