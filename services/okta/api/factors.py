"""Factors API: /api/v1/users/{userId}/factors (enroll, activate, list, get, verify, reset)."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall, Reply
from services.okta.domain import factors, users
from services.okta.endpoint import route

USERS_READ, USERS_MANAGE = "okta.users.read", "okta.users.manage"
BASE = "/api/v1/users/{userId}/factors"


@route("GET", BASE, "listFactors", USERS_READ)
def list_factors(call: OktaCall) -> list[dict[str, Any]]:
    user = users.find(call, call.path["userId"])
    return [factors.render(call, user, factor) for factor in factors.of_user(call, user)]


@route("POST", BASE, "enrollFactor", USERS_MANAGE)
def enroll_factor(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["userId"])
    factor = factors.enroll(call, user, call.body_object())
    return factors.render(call, user, factor, activation=True)


@route("GET", BASE + "/{factorId}", "getFactor", USERS_READ)
def get_factor(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["userId"])
    return factors.render(call, user, factors.find(call, user, call.path["factorId"]))


@route("DELETE", BASE + "/{factorId}", "unenrollFactor", USERS_MANAGE)
def unenroll_factor(call: OktaCall) -> Reply:
    user = users.find(call, call.path["userId"])
    factors.unenroll(call, user, factors.find(call, user, call.path["factorId"]))
    return Reply(None, status=204)


@route("POST", BASE + "/{factorId}/lifecycle/activate", "activateFactor", USERS_MANAGE)
def activate_factor(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["userId"])
    factor = factors.find(call, user, call.path["factorId"])
    activated = factors.activate(call, user, factor, call.body_object().get("passCode"))
    return factors.render(call, user, activated)


@route("POST", BASE + "/{factorId}/verify", "verifyFactor", USERS_MANAGE)
def verify_factor(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["userId"])
    factor = factors.find(call, user, call.path["factorId"])
    if factor.status != "ACTIVE":
        raise factors.not_active(factor)
    factors.check_passcode(call, factor, call.body_object().get("passCode"))
    return {"factorResult": "SUCCESS"}
