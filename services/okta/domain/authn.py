"""Okta's Authentication API state machine (`/api/v1/authn`): primary authentication to a `sessionToken`.

    password ok -> MFA_REQUIRED (an ACTIVE factor) -> verify passcode --+
                -> PASSWORD_EXPIRED -> change_password -----------------+-> SUCCESS (sessionToken)
                -> SUCCESS (sessionToken)

Users with an active factor are challenged before PASSWORD_EXPIRED, as Okta documents.
Every failure is 401 E0000004 "Authentication failed" whatever the cause (unknown
login, wrong password, user not ACTIVE), so callers cannot probe for users. Wrong
passwords count towards the org's lockout threshold through login.py, the rule the
hosted sign-in page uses; a locked user gets 401 too unless the password policy shows
lockout failures (then the transaction is `LOCKED_OUT`). A `stateToken` lives 5
minutes, sliding with every step; a used, cancelled or expired one is E0000011; a
step the state does not allow is E0000079. The `sessionToken` lives 5 minutes and is
redeemed once (Sessions API, or `sessionToken` on /authorize).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.domain import factors, users
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import AuthnTransaction, Org, User, UserFactor
from services.okta.oauth import login
from services.okta.oktaids import new_id, new_secret
from services.okta.secrets import check_password, hash_password, token_hash
from services.okta.timefmt import iso

STATE_TOKEN_LIFETIME = 300
SESSION_TOKEN_LIFETIME = 300  # "The lifetime of the sessionToken is 5 minutes."
TOKEN_PREFIX = "00"  # Okta's state and session tokens: 42 characters starting with 00
MFA_AMR = ["pwd", "otp", "mfa"]  # password + one-time passcode, multifactor


def auth_failed() -> OktaError:
    return OktaError("E0000004")


def _refuse(call: OktaCall) -> dict[str, Any]:
    """401 E0000004, keeping what the attempt wrote (the failure count, the System Log events)."""
    call.fail_after_commit(auth_failed())
    return {}


def invalid_token() -> OktaError:
    return OktaError("E0000011")


def wrong_state() -> OktaError:
    message = "This operation is not allowed in the current authentication state."
    return OktaError("E0000079", message, causes=[message], status=403)


# -- request fields ----------------------------------------------------------------
def _string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise OktaError("E0000003")
    return value


# -- primary authentication -----------------------------------------------------------
def primary(call: OktaCall, body: dict[str, Any]) -> dict[str, Any]:
    state_token = _string(body, "stateToken")
    if state_token:  # POST /api/v1/authn with a stateToken: the transaction's current state
        transaction, user = _transaction(call, state_token)
        return _render(call, transaction, user, state_token)
    username, password = _string(body, "username"), _string(body, "password")
    relay_state = _string(body, "relayState")
    if not username or not password:
        raise validation("The 'username' and 'password' attributes are required in this context.", field="authRequest")
    user = call.one(select(User).where(User.tenant_id == call.tenant.id, User.login_lower == username.strip().lower()))
    if user is None:
        login.record_failure(call, None, username, "VERIFICATION_ERROR")
        return _refuse(call)
    if user.status == "LOCKED_OUT":
        login.record_failure(call, user, username, "LOCKED_OUT")
        return _locked_out(call)
    if user.status not in ("ACTIVE", "PASSWORD_EXPIRED"):
        # STAGED, PROVISIONED, RECOVERY, SUSPENDED and DEPROVISIONED users cannot sign in.
        login.record_failure(call, user, username, "VERIFICATION_ERROR")
        return _refuse(call)
    if not check_password(password, user.password_hash):
        login.count_wrong_password(call, user)
        if user.status == "LOCKED_OUT":
            return _locked_out(call)
        return _refuse(call)
    now = call.now()
    user.failed_attempts = 0
    call.session.add(user)
    transaction = AuthnTransaction(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "atx"),
        kind="state",
        token_hash="",
        user_id=user.id,
        status="",
        created=now,
        password_verified=now,
        amr=["pwd"],
        relay_state=relay_state,
    )
    if factors.of_user(call, user, active_only=True):
        return _advance(call, transaction, user, "MFA_REQUIRED")
    return _after_factors(call, transaction, user)


def _after_factors(call: OktaCall, transaction: AuthnTransaction, user: User) -> dict[str, Any]:
    if user.status == "PASSWORD_EXPIRED":
        return _advance(call, transaction, user, "PASSWORD_EXPIRED")
    return _succeed(call, transaction, user)


def _advance(call: OktaCall, transaction: AuthnTransaction, user: User, status: str) -> dict[str, Any]:
    """Move to a state that waits for the caller: a (new) stateToken, 5 minutes from now."""
    token = TOKEN_PREFIX + new_secret(call.tenant, 40)
    transaction.status = status
    transaction.token_hash = token_hash(token)
    transaction.expires_at = call.now() + STATE_TOKEN_LIFETIME
    call.session.add(transaction)
    return _render(call, transaction, user, token)


def _succeed(call: OktaCall, transaction: AuthnTransaction, user: User) -> dict[str, Any]:
    """SUCCESS: the state token is spent and a one-time sessionToken issued; the sign-in is logged."""
    now = call.now()
    transaction.status = "SUCCESS"
    transaction.used = True
    if transaction.token_hash:
        call.session.add(transaction)
    token = TOKEN_PREFIX + new_secret(call.tenant, 40)
    grant = AuthnTransaction(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "ast"),
        kind="session",
        token_hash=token_hash(token),
        user_id=user.id,
        status="SUCCESS",
        created=now,
        expires_at=now + SESSION_TOKEN_LIFETIME,
        password_verified=transaction.password_verified,
        factor_verified=transaction.factor_verified,
        amr=list(transaction.amr or ["pwd"]),
        relay_state=transaction.relay_state,
    )
    call.session.add(grant)
    user.last_login = now
    call.session.add(user)
    syslog.record(
        call,
        "user.session.start",
        actor=syslog.user_target(user),
        authentication_context=_context(),
        debug_data={"authnRequestId": grant.id},
    )
    body: dict[str, Any] = {"expiresAt": iso(grant.expires_at), "status": "SUCCESS"}
    if grant.relay_state is not None:
        body["relayState"] = grant.relay_state
    body["sessionToken"] = token
    body["_embedded"] = {"user": embedded_user(user)}
    return body


def _locked_out(call: OktaCall) -> dict[str, Any]:
    """Okta's default password policy hides lockout failures (401); an org may show them."""
    if not shows_lockout_failures(call):
        return _refuse(call)
    return {"status": "LOCKED_OUT", "_links": {"next": _link(call, "unlock", "recovery/unlock")}}


def shows_lockout_failures(call: OktaCall) -> bool:
    org = call.one(select(Org).where(Org.tenant_id == call.tenant.id))
    lockout = ((org.settings or {}) if org is not None else {}).get("lockout") or {}
    return bool(lockout.get("showLockoutFailures"))


def _context() -> dict[str, Any]:
    return {
        "authenticationProvider": "OKTA_AUTHENTICATION_PROVIDER",
        "credentialProvider": "OKTA_CREDENTIAL_PROVIDER",
        "credentialType": "PASSWORD",
        "issuer": None,
        "interface": None,
        "authenticationStep": 0,
        "externalSessionId": None,
    }


# -- the transaction --------------------------------------------------------------------
def _transaction(call: OktaCall, state_token: str) -> tuple[AuthnTransaction, User]:
    """The live transaction a stateToken names (E0000011 otherwise); its lifetime slides."""
    row = call.one(
        select(AuthnTransaction).where(
            AuthnTransaction.tenant_id == call.tenant.id,
            AuthnTransaction.token_hash == token_hash(state_token),
            AuthnTransaction.kind == "state",
        )
    )
    if row is None or row.used or call.now() >= row.expires_at:
        raise invalid_token()
    user = call.session.get(User, (call.tenant.id, row.user_id))
    if user is None or user.status not in ("ACTIVE", "PASSWORD_EXPIRED"):
        raise invalid_token()
    row.expires_at = call.now() + STATE_TOKEN_LIFETIME
    call.session.add(row)
    return row, user


def _required_state_token(body: dict[str, Any]) -> str:
    token = _string(body, "stateToken")
    if not token:
        raise validation("stateToken: The field cannot be left blank", field="stateToken")
    return token


def verify_factor(call: OktaCall, factor_id: str, body: dict[str, Any]) -> dict[str, Any]:
    transaction, user = _transaction(call, _required_state_token(body))
    if transaction.status != "MFA_REQUIRED":
        raise wrong_state()
    factor = call.session.get(UserFactor, (call.tenant.id, factor_id))
    if factor is None or factor.user_id != user.id or factor.status != "ACTIVE":
        raise not_found(factor_id, "UserFactor")
    try:
        factors.check_passcode(call, factor, body.get("passCode"))
    except OktaError as refused:
        if refused.code == "E0000068":
            syslog.record(
                call,
                "user.authentication.auth_via_mfa",
                outcome="FAILURE",
                reason="VERIFICATION_ERROR",
                actor=syslog.user_target(user),
                targets=[_factor_target(factor)],
                severity="WARN",
            )
            call.fail_after_commit(refused)  # the failure is logged; the transaction stays usable
            return {}
        raise
    now = call.now()
    transaction.factor_verified = now
    transaction.amr = list(MFA_AMR)
    syslog.record(
        call,
        "user.authentication.auth_via_mfa",
        actor=syslog.user_target(user),
        targets=[_factor_target(factor)],
    )
    return _after_factors(call, transaction, user)


def _factor_target(factor: UserFactor) -> dict[str, Any]:
    return {
        "id": factor.id,
        "type": "Factor",
        "alternateId": factor.factor_type,
        "displayName": factor.provider,
        "detailEntry": None,
    }


def change_password(call: OktaCall, body: dict[str, Any]) -> dict[str, Any]:
    transaction, user = _transaction(call, _required_state_token(body))
    if transaction.status != "PASSWORD_EXPIRED":
        raise wrong_state()
    old, new = _string(body, "oldPassword"), _string(body, "newPassword")
    if not old:
        raise validation("oldPassword: The field cannot be left blank", field="oldPassword")
    if not new:
        raise validation("newPassword: The field cannot be left blank", field="newPassword")
    if not check_password(old, user.password_hash):
        raise OktaError("E0000014", causes=["oldPassword: The credentials provided were incorrect."])
    login_name = (user.profile or {}).get("login")
    users.check_password(new, login_name, code="E0000080")
    if check_password(new, user.password_hash):  # the history rule: not the current password
        raise OktaError("E0000080", causes=[f"password: {users.PASSWORD_RULES}"])
    now = call.now()
    user.password_hash = hash_password(new)
    user.password_changed = now
    user.last_updated = now
    if user.status != "ACTIVE":
        user.status = "ACTIVE"
        user.status_changed = now
    call.session.add(user)
    call.invalidate_credentials()
    syslog.record(
        call, "user.account.update_password", actor=syslog.user_target(user), targets=[syslog.user_target(user)]
    )
    transaction.password_verified = now
    return _succeed(call, transaction, user)


def cancel(call: OktaCall, body: dict[str, Any]) -> dict[str, Any]:
    transaction, _ = _transaction(call, _required_state_token(body))
    transaction.status = "CANCELLED"
    transaction.used = True
    call.session.add(transaction)
    return {"relayState": transaction.relay_state} if transaction.relay_state is not None else {}


# -- session tokens -----------------------------------------------------------------------
def redeem(call: OktaCall, session_token: str) -> tuple[AuthnTransaction, User] | None:
    """Spend a sessionToken: its transaction and user, or None when unknown, used or expired."""
    row = call.one(
        select(AuthnTransaction).where(
            AuthnTransaction.tenant_id == call.tenant.id,
            AuthnTransaction.token_hash == token_hash(session_token),
            AuthnTransaction.kind == "session",
        )
    )
    if row is None or row.used or call.now() >= row.expires_at:
        return None
    user = call.session.get(User, (call.tenant.id, row.user_id))
    if user is None or user.status != "ACTIVE":
        return None
    row.used = True
    call.session.add(row)
    return row, user


# -- rendering --------------------------------------------------------------------------
def embedded_user(user: User) -> dict[str, Any]:
    profile = user.profile or {}
    return {
        "id": user.id,
        "passwordChanged": iso(user.password_changed),
        "profile": {
            "login": profile.get("login"),
            "firstName": profile.get("firstName"),
            "lastName": profile.get("lastName"),
            "locale": profile.get("locale") or "en_US",
            "timeZone": profile.get("timezone") or "America/Los_Angeles",
        },
    }


def _link(call: OktaCall, name: str | None, path: str) -> dict[str, Any]:
    link: dict[str, Any] = {"name": name} if name else {}
    link["href"] = f"{call.org_url}/api/v1/authn/{path}"
    link["hints"] = {"allow": ["POST"]}
    return link


def _render(call: OktaCall, transaction: AuthnTransaction, user: User, state_token: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stateToken": state_token,
        "expiresAt": iso(transaction.expires_at),
        "status": transaction.status,
    }
    if transaction.relay_state is not None:
        body["relayState"] = transaction.relay_state
    embedded: dict[str, Any] = {"user": embedded_user(user)}
    links: dict[str, Any] = {}
    if transaction.status == "MFA_REQUIRED":
        embedded["factors"] = [_challenge(call, user, f) for f in factors.of_user(call, user, active_only=True)]
        embedded["policy"] = {
            "allowRememberDevice": False,
            "rememberDeviceLifetimeInMinutes": 0,
            "rememberDeviceByDefault": False,
        }
    elif transaction.status == "PASSWORD_EXPIRED":
        embedded["policy"] = {
            "complexity": {"minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0}
        }
        links["next"] = _link(call, "changePassword", "credentials/change_password")
    links["cancel"] = _link(call, None, "cancel")
    body["_embedded"] = embedded
    body["_links"] = links
    return body


def _challenge(call: OktaCall, user: User, factor: UserFactor) -> dict[str, Any]:
    return {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "vendorName": factor.provider,
        "profile": {"credentialId": (user.profile or {}).get("login")},
        "_links": {"verify": _link(call, None, f"factors/{factor.id}/verify")},
    }
