"""Signing in with a login and password, and the Okta session (`sid` cookie) it starts.

Wrong passwords count towards the org's lockout threshold (Okta's default password
policy locks after 10): at the threshold the user becomes LOCKED_OUT and the System
Log records `user.account.lock`. Only ACTIVE users can start a session (Okta sends
PASSWORD_EXPIRED users to a change-password step, which the twin does not have).
"""

from __future__ import annotations

from sqlmodel import select
from starlette.requests import Request

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.models import Org, User, UserSession
from services.okta.oktaids import new_id
from services.okta.secrets import check_password

SESSION_LIFETIME = 2 * 3600  # Okta's default global session policy: two hours
COOKIE = "sid"
# What the sign-in page says; Okta does not reveal whether the login exists.
UNABLE = "Unable to sign in"
LOCKED = "Your account is locked. Please contact your administrator."


class SignInFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticate(call: OktaCall, login: str, password: str) -> User:
    """The user behind the credentials (SignInFailed otherwise), failures counted and logged."""
    user = call.one(select(User).where(User.tenant_id == call.tenant.id, User.login_lower == login.strip().lower()))
    if user is None:
        _failure(call, None, login, "VERIFICATION_ERROR")
        raise SignInFailed(UNABLE)
    if user.status == "LOCKED_OUT":
        _failure(call, user, login, "LOCKED_OUT")
        raise SignInFailed(LOCKED)
    if user.status != "ACTIVE":
        _failure(call, user, login, "VERIFICATION_ERROR")
        raise SignInFailed(UNABLE)
    if not check_password(password, user.password_hash):
        _wrong_password(call, user)
        raise SignInFailed(LOCKED if user.status == "LOCKED_OUT" else UNABLE)
    now = call.now()
    user.failed_attempts = 0
    user.last_login = now
    call.session.add(user)
    return user


def count_wrong_password(call: OktaCall, user: User) -> None:
    """A wrong password: counted towards the org's lockout threshold (shared with /api/v1/authn)."""
    _wrong_password(call, user)


def record_failure(call: OktaCall, user: User | None, login: str, reason: str) -> None:
    """A refused sign-in in the System Log (`user.session.start`, FAILURE, reason)."""
    _failure(call, user, login, reason)


def _wrong_password(call: OktaCall, user: User) -> None:
    now = call.now()
    user.failed_attempts += 1
    org = call.one(select(Org).where(Org.tenant_id == call.tenant.id))
    threshold = org.lockout_threshold if org is not None else 10
    _failure(call, user, (user.profile or {}).get("login", ""), "INVALID_CREDENTIALS")
    if threshold > 0 and user.failed_attempts >= threshold:
        user.status = "LOCKED_OUT"
        user.status_changed = now
        user.last_updated = now
        syslog.record(call, "user.account.lock", targets=[syslog.user_target(user)], actor=syslog.user_target(user))
        call.invalidate_credentials()
    call.session.add(user)


def _failure(call: OktaCall, user: User | None, login: str, reason: str) -> None:
    actor = (
        syslog.user_target(user)
        if user is not None
        else {"id": "unknown", "type": "User", "alternateId": login, "displayName": "unknown", "detailEntry": None}
    )
    syslog.record(call, "user.session.start", outcome="FAILURE", reason=reason, actor=actor, severity="WARN")


def start_session(
    call: OktaCall,
    user: User,
    *,
    amr: list[str] | None = None,
    password_verified: float | None = None,
    factor_verified: float | None = None,
    record: bool = True,
) -> UserSession:
    """A new session. A redeemed `sessionToken` passes what its Authentication API transaction
    verified (and `record=False`: that transaction already logged the sign-in)."""
    now = call.now()
    session = UserSession(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "102"),
        user_id=user.id,
        created=now,
        expires_at=now + SESSION_LIFETIME,
        last_password_verification=now if password_verified is None else password_verified,
        last_factor_verification=now if factor_verified is None else factor_verified,
        amr=list(amr) if amr is not None else ["pwd"],
    )
    call.session.add(session)
    if record:
        syslog.record(
            call,
            "user.session.start",
            actor=syslog.user_target(user),
            authentication_context=_context(session.id),
            debug_data={"authnRequestId": session.id},
        )
    return session


def _context(session_id: str) -> dict[str, object]:
    return {
        "authenticationProvider": "OKTA_AUTHENTICATION_PROVIDER",
        "credentialProvider": "OKTA_CREDENTIAL_PROVIDER",
        "credentialType": "PASSWORD",
        "issuer": None,
        "interface": None,
        "authenticationStep": 0,
        "externalSessionId": session_id,
    }


def current_session(call: OktaCall, request: Request) -> tuple[UserSession, User] | None:
    """The live session named by a `sid` cookie (several orgs may have set one), with its user."""
    for value in _cookie_values(request, COOKIE):
        session = call.session.get(UserSession, (call.tenant.id, value))
        if session is None or session.closed or session.status != "ACTIVE" or call.now() >= session.expires_at:
            continue
        user = call.session.get(User, (call.tenant.id, session.user_id))
        if user is not None and user.status == "ACTIVE":
            return session, user
    return None


def touch(call: OktaCall, session: UserSession) -> None:
    """A session used for SSO stays alive for another idle period."""
    session.expires_at = max(session.expires_at, call.now() + SESSION_LIFETIME)
    call.session.add(session)


def end_session(call: OktaCall, session: UserSession) -> None:
    session.closed = True
    session.status = "CLOSED"
    call.session.add(session)
    user = call.session.get(User, (call.tenant.id, session.user_id))
    if user is not None:
        syslog.record(
            call,
            "user.session.end",
            actor=syslog.user_target(user),
            authentication_context=_context(session.id),
        )


def _cookie_values(request: Request, name: str) -> list[str]:
    """Every value of a cookie: the org's own path-scoped `sid` and the root org's may both arrive."""
    values = []
    for part in request.headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            values.append(value.strip('"'))
    return values


def cookie_path(request: Request) -> str:
    """The org's path: a pinned org's session cookie stays under `/t/{tenant}/`."""
    root = request.scope.get("root_path", "")
    return f"{root}/" if root else "/"
