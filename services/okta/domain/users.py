"""Users: lookup by id or login, creation, profile and credential updates, deletion.

Okta's rules kept here:
- `login` is unique in the org, compared case-insensitively (E0000001 on `login`);
- the base profile needs `login`, `firstName`, `lastName` and `email`, and `login` must be
  in the form of an email address (Okta's default user schema);
- passwords meet the default password policy (8 characters, a lowercase letter, an
  uppercase letter, a number, no parts of the username);
- the status after creation follows Okta's user creation scenarios: `activate=false`
  stages the user; activating with a password (or an external provider) makes them
  ACTIVE; activating without a password leaves them PROVISIONED until they finish the
  activation flow;
- every user is a member of the built-in Everyone group.

The lifecycle state machine is in `user_lifecycle.py`, list queries in `user_search.py`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.domain import membership
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import (
    ApiToken,
    AppUser,
    Group,
    GroupMember,
    OAuthToken,
    RoleAssignment,
    User,
    UserSession,
)
from services.okta.oktaids import new_id
from services.okta.secrets import hash_password

REQUIRED = ("login", "firstName", "lastName", "email")
# Okta's default user schema: string attributes of the base profile.
BASE_STRINGS = frozenset(
    {
        "login",
        "email",
        "secondEmail",
        "firstName",
        "lastName",
        "middleName",
        "honorificPrefix",
        "honorificSuffix",
        "title",
        "displayName",
        "nickName",
        "profileUrl",
        "primaryPhone",
        "mobilePhone",
        "streetAddress",
        "city",
        "state",
        "zipCode",
        "countryCode",
        "postalAddress",
        "preferredLanguage",
        "locale",
        "timezone",
        "userType",
        "employeeNumber",
        "costCenter",
        "organization",
        "division",
        "department",
        "managerId",
        "manager",
    }
)
LOGIN_FORM = re.compile(r"^[^@\s]+@[^@\s]+$")
EMAIL_FORM = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DUPLICATE_LOGIN = "login: An object with this field already exists in the current organization"
PASSWORD_RULES = (
    "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, "
    "an uppercase letter, a number, no parts of your username. Your password cannot be any of your last 4 passwords."
)
EXTERNAL_PROVIDERS = frozenset({"FEDERATION", "SOCIAL", "IMPORT", "LDAP", "ACTIVE_DIRECTORY"})


# -- lookup --------------------------------------------------------------------------
def find(call: OktaCall, id_or_login: str) -> User:
    """By id, by login (case-insensitive), or `me` for the acting user, as Okta resolves `{id}`."""
    if id_or_login == "me":
        id_or_login = call.actor.attributes.get("user_id") or call.actor.subject
    user = call.session.get(User, (call.tenant.id, id_or_login))
    if user is None:
        user = call.one(select(User).where(User.tenant_id == call.tenant.id, User.login_lower == id_or_login.lower()))
    if user is None:
        raise not_found(id_or_login, "User")
    return user


def login_taken(call: OktaCall, login: str, except_id: str | None = None) -> bool:
    statement = select(User.id).where(User.tenant_id == call.tenant.id, User.login_lower == login.lower())
    found = call.one(statement)
    return found is not None and found != except_id


# -- validation ----------------------------------------------------------------------
def clean_profile(raw: Any) -> dict[str, Any]:
    """The profile object with base attributes as strings (JSON scalars coerced, as Okta's binder does)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise OktaError("E0000003")
    profile: dict[str, Any] = {}
    for key, value in raw.items():
        if key in BASE_STRINGS and value is not None:
            if isinstance(value, dict | list):
                raise OktaError("E0000003")  # an object where a string belongs does not bind
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif not isinstance(value, str):
                value = str(value)
        profile[key] = value
    return profile


def check_profile(profile: dict[str, Any]) -> None:
    """E0000001 with one cause per violated rule, in the order Okta lists them."""
    causes = [f"{name}: The field cannot be left blank" for name in REQUIRED if not _filled(profile.get(name))]
    login = profile.get("login")
    if not isinstance(login, str) or not LOGIN_FORM.match(login.strip()):
        causes.append("login: Username must be in the form of an email address")
    for name in ("email", "secondEmail"):
        value = profile.get(name)
        if _filled(value) and not EMAIL_FORM.match(str(value).strip()):
            causes.append(f"{name}: Does not match required pattern")
    if causes:
        raise validation(*causes, field=causes[0].split(":", 1)[0])


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def password_problem(password: str, login: str | None) -> bool:
    """Whether `password` breaks Okta's default password policy."""
    if len(password) < 8 or not re.search(r"[a-z]", password) or not re.search(r"[A-Z]", password):
        return True
    if not re.search(r"\d", password):
        return True
    username = (login or "").split("@", 1)[0].lower()
    return len(username) >= 3 and username in password.lower()


def check_password(password: str, login: str | None, *, code: str = "E0000001") -> None:
    if password_problem(password, login):
        if code == "E0000001":
            raise validation(f"password: {PASSWORD_RULES}", field="password")
        raise OktaError(code, causes=[f"password: {PASSWORD_RULES}"])


def _password_value(credentials: dict[str, Any]) -> str | None:
    password = credentials.get("password")
    if password is None:
        return None
    if not isinstance(password, dict):
        raise OktaError("E0000003")
    value = password.get("value")
    if value is None:
        return None
    if not isinstance(value, str):
        raise OktaError("E0000003")
    return value


def _recovery_question(credentials: dict[str, Any]) -> dict[str, Any] | None:
    recovery = credentials.get("recovery_question")
    if recovery is None:
        return None
    if not isinstance(recovery, dict):
        raise OktaError("E0000003")
    question, answer = recovery.get("question"), recovery.get("answer")
    if not _filled(question):
        raise validation("recovery_question.question: The field cannot be left blank", field="recovery_question")
    if not isinstance(answer, str) or len(answer.strip()) < 4:
        raise validation(
            "recovery_question.answer: The security question answer must be at least 4 characters in length",
            field="recovery_question",
        )
    return {"question": question, "answer_hash": hash_password(answer.strip().lower())}


def _provider(credentials: dict[str, Any]) -> dict[str, Any] | None:
    provider = credentials.get("provider")
    if provider is None:
        return None
    if not isinstance(provider, dict) or not isinstance(provider.get("type", "OKTA"), str):
        raise OktaError("E0000003")
    kind = str(provider.get("type") or "OKTA").upper()
    return {"type": kind, "name": str(provider.get("name") or kind)}


def _credentials(body: dict[str, Any]) -> dict[str, Any]:
    credentials = body.get("credentials")
    if credentials is None:
        return {}
    if not isinstance(credentials, dict):
        raise OktaError("E0000003")
    return credentials


def _group_ids(body: dict[str, Any]) -> list[str]:
    raw = body.get("groupIds")
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(g, str) for g in raw):
        raise OktaError("E0000003")
    return list(dict.fromkeys(raw))


# -- creation ------------------------------------------------------------------------
def create(call: OktaCall, *, activate: bool, provider: bool, next_login: str | None) -> User:
    body = call.body_object()
    profile = clean_profile(body.get("profile"))
    check_profile(profile)
    credentials = _credentials(body)
    password = _password_value(credentials)
    recovery = _recovery_question(credentials)
    provider_credential = _provider(credentials)
    external = provider or (provider_credential is not None and provider_credential["type"] in EXTERNAL_PROVIDERS)
    if next_login is not None and next_login != "changePassword":
        raise validation("nextLogin: Invalid value", field="nextLogin")
    if next_login == "changePassword":
        if not activate:
            raise OktaError("E0000125", causes=[_summary("E0000125")])
        if password is None:
            raise OktaError("E0000124", causes=[_summary("E0000124")])
    login = str(profile["login"]).strip()
    if login_taken(call, login):
        raise validation(DUPLICATE_LOGIN, field="login")
    if password is not None:
        check_password(password, login)
    groups = [_group_for_create(call, gid) for gid in _group_ids(body)]
    type_id = _type_id(body)

    now = call.now()
    if not activate:
        status = "STAGED"
    elif external or password is not None:
        status = "PASSWORD_EXPIRED" if next_login == "changePassword" else "ACTIVE"
    else:
        status = "PROVISIONED"
    user = User(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "00u"),
        status=status,
        login_lower=login.lower(),
        profile=profile,
        type_id=type_id,
        password_hash=hash_password(password) if password is not None else None,
        recovery_question=recovery,
        provider=provider_credential or {"type": "OKTA", "name": "OKTA"},
        created=now,
        activated=now if activate else None,
        status_changed=now if activate else None,
        last_updated=now,
        password_changed=now if password is not None else None,
        seq=call.next_seq("user"),
    )
    call.session.add(user)
    try:
        call.session.flush()
    except IntegrityError:
        # Another writer took the login between the check and the insert.
        call.session.rollback()
        raise validation(DUPLICATE_LOGIN, field="login") from None
    syslog.record(call, "user.lifecycle.create", targets=[syslog.user_target(user)])
    if activate:
        syslog.record(call, "user.lifecycle.activate", targets=[syslog.user_target(user)])
    everyone = _everyone(call)
    if everyone is not None:
        membership.add_member(call, everyone, user)
    for group in groups:
        membership.add_member(call, group, user)
    return user


def _summary(code: str) -> str:
    return OktaError(code).summary


def _type_id(body: dict[str, Any]) -> str:
    kind = body.get("type")
    if kind is None:
        return ""
    if not isinstance(kind, dict) or not isinstance(kind.get("id", ""), str):
        raise OktaError("E0000003")
    return str(kind.get("id") or "")


def _group_for_create(call: OktaCall, group_id: str) -> Group:
    group = call.session.get(Group, (call.tenant.id, group_id))
    if group is None:
        raise not_found(group_id, "UserGroup")
    if group.type != "OKTA_GROUP":
        # Only Okta-mastered groups take members through the API (Everyone is implicit).
        raise validation(f"groupIds: Cannot add a user to a group of type {group.type}", field="groupIds")
    return group


def _everyone(call: OktaCall) -> Group | None:
    return call.one(select(Group).where(Group.tenant_id == call.tenant.id, Group.type == "BUILT_IN"))


# -- updates -------------------------------------------------------------------------
def update(call: OktaCall, user: User, *, replace: bool) -> User:
    """POST merges the given profile attributes; PUT replaces the profile (unspecified attributes go)."""
    body = call.body_object()
    given = clean_profile(body.get("profile"))
    profile = given if replace else {**(user.profile or {}), **given}
    check_profile(profile)
    login = str(profile["login"]).strip()
    if login.lower() != user.login_lower and login_taken(call, login, except_id=user.id):
        raise validation(DUPLICATE_LOGIN, field="login")
    credentials = _credentials(body)
    password = _password_value(credentials)
    recovery = _recovery_question(credentials)
    if password is not None:
        check_password(password, login)
    if replace and "type" in body:
        user.type_id = _type_id(body)
    now = call.now()
    profile_changed = profile != (user.profile or {})
    user.profile = profile
    user.login_lower = login.lower()
    if password is not None:
        user.password_hash = hash_password(password)
        user.password_changed = now
        if user.status in ("PASSWORD_EXPIRED", "RECOVERY"):
            _set_status(call, user, "ACTIVE")
    if recovery is not None:
        user.recovery_question = recovery
    user.last_updated = now
    call.session.add(user)
    try:
        call.session.flush()
    except IntegrityError:
        call.session.rollback()
        raise validation(DUPLICATE_LOGIN, field="login") from None
    if profile_changed:
        syslog.record(call, "user.account.update_profile", targets=[syslog.user_target(user)])
    if password is not None:
        syslog.record(call, "user.account.update_password", targets=[syslog.user_target(user)])
    return user


def _set_status(call: OktaCall, user: User, status: str) -> None:
    now = call.now()
    user.status = status
    user.status_changed = now
    user.last_updated = now


# -- access ----------------------------------------------------------------------------
def close_sessions(call: OktaCall, user: User) -> int:
    sessions = call.session.exec(
        select(UserSession).where(
            UserSession.tenant_id == call.tenant.id,
            UserSession.user_id == user.id,
            col(UserSession.closed).is_(False),
        )
    ).all()
    for session in sessions:
        session.closed = True
        call.session.add(session)
    return len(sessions)


def revoke_tokens(call: OktaCall, user: User) -> int:
    tokens = call.session.exec(
        select(OAuthToken).where(
            OAuthToken.tenant_id == call.tenant.id,
            OAuthToken.user_id == user.id,
            col(OAuthToken.revoked).is_(False),
        )
    ).all()
    for token in tokens:
        token.revoked = True
        call.session.add(token)
    call.invalidate_credentials()
    return len(tokens)


def cut_off(call: OktaCall, user: User) -> None:
    """A deactivated or suspended user loses their sessions, OAuth tokens and API-token access at once."""
    close_sessions(call, user)
    revoke_tokens(call, user)
    call.invalidate_credentials()


# -- deletion --------------------------------------------------------------------------
def delete(call: OktaCall, user: User) -> None:
    """Remove a DEPROVISIONED user and everything that hangs off them."""
    tid = call.tenant.id
    target = syslog.user_target(user)
    for member in call.session.exec(
        select(GroupMember).where(GroupMember.tenant_id == tid, GroupMember.user_id == user.id)
    ).all():
        group = call.session.get(Group, (tid, member.group_id))
        if group is not None:
            membership.remove_member(call, group, user)
        else:
            call.session.delete(member)
    for assignment in call.session.exec(
        select(AppUser).where(AppUser.tenant_id == tid, AppUser.user_id == user.id)
    ).all():
        call.session.delete(assignment)
    for role in call.session.exec(
        select(RoleAssignment).where(RoleAssignment.tenant_id == tid, RoleAssignment.principal_id == user.id)
    ).all():
        call.session.delete(role)
    for api_token in call.session.exec(
        select(ApiToken).where(ApiToken.tenant_id == tid, ApiToken.user_id == user.id)
    ).all():
        call.session.delete(api_token)
    close_sessions(call, user)
    revoke_tokens(call, user)
    call.session.delete(user)
    syslog.record(call, "user.lifecycle.delete.initiated", targets=[target])
