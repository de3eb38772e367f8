"""A user's MFA factors (Factors API): enroll, activate, verify, reset. The twin verifies TOTP.

`token:software:totp` (provider OKTA = Okta Verify's passcode, GOOGLE = Google
Authenticator) enrolls as PENDING_ACTIVATION with a base32 shared secret and becomes
ACTIVE once a passcode computed from it is posted to `lifecycle/activate`. Only ACTIVE
factors are challenged at sign-in (`MFA_REQUIRED`). Wrong or replayed passcodes are
Okta's E0000068 (403).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.domain import totp
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import User, UserFactor
from services.okta.oktaids import new_id
from services.okta.render import href
from services.okta.timefmt import iso

TOTP = "token:software:totp"
# provider -> (id prefix, keyLength as Okta's enrollment response states it)
TOTP_PROVIDERS: dict[str, tuple[str, int]] = {"OKTA": ("ost", 6), "GOOGLE": ("uft", 16)}
WRONG_PASSCODE = "Your passcode doesn't match our records. Please try again."
REPLAYED = "Each code can only be used once. Please wait for a new code and try again."


def invalid_passcode(cause: str = WRONG_PASSCODE) -> OktaError:
    return OktaError("E0000068", "Invalid Passcode/Answer", causes=[cause], status=403)


def not_active(factor: UserFactor) -> OktaError:
    """Verifying a factor that was never activated."""
    return OktaError("E0000038", causes=[f"The factor {factor.id} is not active."], status=403)


# -- lookup ------------------------------------------------------------------------
def of_user(call: OktaCall, user: User, *, active_only: bool = False) -> list[UserFactor]:
    statement = select(UserFactor).where(UserFactor.tenant_id == call.tenant.id, UserFactor.user_id == user.id)
    if active_only:
        statement = statement.where(UserFactor.status == "ACTIVE")
    return list(call.session.exec(statement.order_by(col(UserFactor.seq))))


def find(call: OktaCall, user: User, factor_id: str) -> UserFactor:
    factor = call.session.get(UserFactor, (call.tenant.id, factor_id))
    if factor is None or factor.user_id != user.id:
        raise not_found(factor_id, "UserFactor")
    return factor


# -- lifecycle ---------------------------------------------------------------------
def enroll(call: OktaCall, user: User, body: dict[str, Any]) -> UserFactor:
    factor_type, provider = body.get("factorType"), body.get("provider")
    if not isinstance(factor_type, str) or not factor_type:
        raise validation("factorType: The field cannot be left blank", field="factorEnrollRequest")
    if factor_type != TOTP or provider not in TOTP_PROVIDERS:
        raise validation(
            f"The factor {factor_type} with provider {provider} is not supported.", field="factorEnrollRequest"
        )
    existing = [f for f in of_user(call, user) if f.factor_type == factor_type and f.provider == provider]
    if any(f.status == "ACTIVE" for f in existing):
        raise validation("There is an existing verified factor.", field="factorEnrollRequest")
    for stale in existing:  # a new enrollment replaces one that was never activated
        call.session.delete(stale)
    now = call.now()
    factor = UserFactor(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, TOTP_PROVIDERS[str(provider)][0]),
        user_id=user.id,
        factor_type=factor_type,
        provider=str(provider),
        shared_secret=totp.new_secret(call.tenant),
        created=now,
        last_updated=now,
        seq=call.next_seq("factor"),
    )
    call.session.add(factor)
    _record(call, "user.mfa.factor.update", user, factor, "Update factor for user")
    return factor


def activate(call: OktaCall, user: User, factor: UserFactor, passcode: Any) -> UserFactor:
    if factor.status != "PENDING_ACTIVATION":
        raise OktaError("E0000038", causes=["The factor is already active."], status=403)
    check_passcode(call, factor, passcode)
    factor.status = "ACTIVE"
    factor.last_updated = call.now()
    call.session.add(factor)
    _record(call, "user.mfa.factor.activate", user, factor, "Activate factor for user")
    return factor


def unenroll(call: OktaCall, user: User, factor: UserFactor) -> None:
    call.session.delete(factor)
    _record(call, "user.mfa.factor.deactivate", user, factor, "Reset factor for user")


def check_passcode(call: OktaCall, factor: UserFactor, passcode: Any) -> None:
    """Accept a TOTP passcode once (E0000068 when wrong or already used)."""
    if not isinstance(passcode, str) or not passcode:
        raise validation("passCode: The field cannot be left blank", field="passCode")
    step = totp.matching_step(factor.shared_secret, passcode, call.now())
    if step is None:
        raise invalid_passcode()
    if step <= factor.last_step:
        raise invalid_passcode(REPLAYED)
    factor.last_step = step
    call.session.add(factor)


def _record(call: OktaCall, event: str, user: User, factor: UserFactor, message: str) -> None:
    target = {
        "id": factor.id,
        "type": "Factor",
        "alternateId": factor.factor_type,
        "displayName": factor.provider,
        "detailEntry": None,
    }
    syslog.record(call, event, targets=[syslog.user_target(user), target], display_message=message)


# -- rendering ---------------------------------------------------------------------
def _link(call: OktaCall, path: str, *methods: str) -> dict[str, Any]:
    return {**href(call, path), "hints": {"allow": list(methods)}}


def render(call: OktaCall, user: User, factor: UserFactor, *, activation: bool = False) -> dict[str, Any]:
    base = f"/api/v1/users/{user.id}/factors/{factor.id}"
    links: dict[str, Any] = {}
    if factor.status == "PENDING_ACTIVATION":
        links["activate"] = _link(call, f"{base}/lifecycle/activate", "POST")
        links["self"] = _link(call, base, "GET")
    else:
        links["verify"] = _link(call, f"{base}/verify", "POST")
        links["self"] = _link(call, base, "GET", "DELETE")
    links["user"] = _link(call, f"/api/v1/users/{user.id}", "GET")
    body: dict[str, Any] = {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "vendorName": factor.provider,
        "status": factor.status,
        "created": iso(factor.created),
        "lastUpdated": iso(factor.last_updated),
        "profile": {"credentialId": (user.profile or {}).get("login")},
        "_links": links,
    }
    if activation and factor.status == "PENDING_ACTIVATION":
        body["_embedded"] = {
            "activation": {
                "timeStep": totp.STEP,
                "sharedSecret": factor.shared_secret,
                "encoding": "base32",
                "keyLength": TOTP_PROVIDERS[factor.provider][1],
                "_links": {
                    "qrcode": {**href(call, f"{base}/qr/{factor.id}"), "type": "image/png"},
                },
            }
        }
    return body
