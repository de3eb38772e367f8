"""Authentication API: /api/v1/authn (primary authentication, factor verification, password change, cancel).

Anonymous, as Okta serves it to public applications; the org is the one addressed
(`/t/{tenant}/api/v1/authn`, or the default org at the root). Okta publishes no
OpenAPI operationIds for this API: operations are named `authn.<step>` for the
journal and fault injection.
"""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall
from services.okta.domain import authn
from services.okta.endpoint import route


@route("POST", "/api/v1/authn", "authn.authenticate", None, authenticated=False)
def authenticate(call: OktaCall) -> dict[str, Any]:
    return authn.primary(call, call.body_object())


@route("POST", "/api/v1/authn/factors/{factorId}/verify", "authn.verifyFactor", None, authenticated=False)
def verify_factor(call: OktaCall) -> dict[str, Any]:
    return authn.verify_factor(call, call.path["factorId"], call.body_object())


@route("POST", "/api/v1/authn/credentials/change_password", "authn.changePassword", None, authenticated=False)
def change_password(call: OktaCall) -> dict[str, Any]:
    return authn.change_password(call, call.body_object())


@route("POST", "/api/v1/authn/cancel", "authn.cancelTransaction", None, authenticated=False)
def cancel(call: OktaCall) -> dict[str, Any]:
    return authn.cancel(call, call.body_object())
