"""Users API: /api/v1/users."""

from __future__ import annotations

from typing import Any

from services.okta import render
from services.okta.call import OktaCall
from services.okta.domain import users
from services.okta.endpoint import route


@route("GET", "/api/v1/users/{id}", "getUser", "okta.users.read")
def get_user(call: OktaCall) -> dict[str, Any]:
    return render.user(call, users.find(call, call.path["id"]))
