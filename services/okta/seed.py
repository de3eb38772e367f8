"""Loading a seed document into an org (users and groups; other keys are left to their owners).

```yaml
groups: [{name: Eng, description: Engineers}]
users:
  - profile: {login: ada@example.com, email: ada@example.com, firstName: Ada, lastName: Lovelace}
    password: Analytical-Engine-1843      # optional; the user can sign in with it
    status: ACTIVE                        # optional: ACTIVE (default with a password) or STAGED (default without),
                                          # PROVISIONED, SUSPENDED, LOCKED_OUT, PASSWORD_EXPIRED, RECOVERY...
    groups: [Eng]                         # group names (created above or existing)
    roles: [APP_ADMIN]                    # standard admin roles
passwordPolicy:                           # optional: the password policy's lockout settings
  lockout: {maxAttempts: 10, showLockoutFailures: false}   # Okta's defaults
```
Profiles follow the same rules as `POST /api/v1/users` (required attributes, unique login);
every user joins Everyone and gets the apps their groups are assigned to. Nothing is
written to the System Log: a seed is the org's starting state, not activity in it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta.call import next_seq
from services.okta.domain.roles import STANDARD_ROLES
from services.okta.domain.users import check_profile, clean_profile, password_problem
from services.okta.errors import OktaError
from services.okta.models import AppGroup, AppUser, Group, GroupMember, Org, RoleAssignment, User
from services.okta.oktaids import new_id
from services.okta.secrets import hash_password

STATUSES = frozenset(
    {"STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED", "DEPROVISIONED"}
)


class SeedError(ValueError):
    """A seed document the org cannot take (the control plane answers 400)."""


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SeedError(f"{key} must be a list of objects")
    return value


def seed(session: Session, tenant: Tenant, runtime: TwinRuntime, document: dict[str, Any]) -> dict[str, Any]:
    loader = _Loader(session, tenant)
    _password_policy(session, tenant, document.get("passwordPolicy"))
    groups = [loader.group(spec) for spec in _list(document, "groups")]
    users = [loader.user(spec) for spec in _list(document, "users")]
    return {
        "groups": [{"id": g.id, "name": (g.profile or {}).get("name")} for g in groups],
        "users": [{"id": u.id, "login": (u.profile or {}).get("login")} for u in users],
    }


def _password_policy(session: Session, tenant: Tenant, spec: Any) -> None:
    """`passwordPolicy: {lockout: {maxAttempts, showLockoutFailures}}`: the password policy lockout settings."""
    if spec is None:
        return
    lockout = spec.get("lockout") if isinstance(spec, dict) else None
    if not isinstance(lockout, dict):
        raise SeedError("passwordPolicy must be {lockout: {maxAttempts, showLockoutFailures}}")
    org = session.exec(select(Org).where(Org.tenant_id == tenant.id)).first()
    if org is None:
        raise SeedError("the org is not provisioned")
    attempts = lockout.get("maxAttempts")
    if attempts is not None:
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
            raise SeedError("passwordPolicy.lockout.maxAttempts must be a non-negative integer (0: never lock)")
        org.lockout_threshold = attempts
    show = lockout.get("showLockoutFailures")
    if show is not None:
        if not isinstance(show, bool):
            raise SeedError("passwordPolicy.lockout.showLockoutFailures must be a boolean")
        settings = dict(org.settings or {})
        settings["lockout"] = {**(settings.get("lockout") or {}), "showLockoutFailures": show}
        org.settings = settings
    session.add(org)


class _Loader:
    def __init__(self, session: Session, tenant: Tenant) -> None:
        self.session = session
        self.tenant = tenant
        self.now = tenant.clock.time()

    def _seq(self, name: str) -> int:
        return next_seq(self.session, self.tenant.id, name)

    def _group_named(self, name: str) -> Group | None:
        statement = select(Group).where(Group.tenant_id == self.tenant.id, Group.name_lower == name.lower())
        return self.session.exec(statement).first()

    def group(self, spec: dict[str, Any]) -> Group:
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SeedError("a group needs a name")
        description = spec.get("description")
        if description is not None and not isinstance(description, str):
            raise SeedError(f"group {name!r}: description must be a string")
        existing = self._group_named(name)
        if existing is not None:
            return existing
        group = Group(
            tenant_id=self.tenant.id,
            id=new_id(self.tenant, "00g"),
            type="OKTA_GROUP",
            profile={"name": name, "description": description},
            name_lower=name.lower(),
            created=self.now,
            last_updated=self.now,
            last_membership_updated=self.now,
            seq=self._seq("group"),
        )
        self.session.add(group)
        self.session.flush()
        return group

    def user(self, spec: dict[str, Any]) -> User:
        try:
            profile = clean_profile(spec.get("profile"))
            check_profile(profile)
        except OktaError as exc:
            raise SeedError("; ".join(exc.causes) or exc.summary) from None
        login = str(profile["login"]).strip()
        taken = select(User.id).where(User.tenant_id == self.tenant.id, User.login_lower == login.lower())
        if self.session.exec(taken).first() is not None:
            raise SeedError(f"login {login!r} exists")
        password = spec.get("password")
        if password is not None and (not isinstance(password, str) or password_problem(password, login)):
            raise SeedError(f"user {login!r}: the password does not meet the default password policy")
        status = str(spec.get("status") or ("ACTIVE" if password else "STAGED")).upper()
        if status not in STATUSES:
            raise SeedError(f"user {login!r}: unknown status {status!r}")
        activated = status != "STAGED"
        user = User(
            tenant_id=self.tenant.id,
            id=new_id(self.tenant, "00u"),
            status=status,
            login_lower=login.lower(),
            profile=profile,
            password_hash=hash_password(password) if password else None,
            provider={"type": "OKTA", "name": "OKTA"},
            created=self.now,
            activated=self.now if activated else None,
            status_changed=self.now if activated else None,
            last_updated=self.now,
            password_changed=self.now if password else None,
            seq=self._seq("user"),
        )
        self.session.add(user)
        self.session.flush()
        memberships = [self._everyone(), *(self._named(login, name) for name in self._names(spec, "groups", login))]
        for group in memberships:
            if group is not None:
                self._join(group, user)
        for role in self._names(spec, "roles", login):
            self._grant_role(user, role.upper(), login)
        return user

    @staticmethod
    def _names(spec: dict[str, Any], key: str, login: str) -> list[str]:
        value = spec.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SeedError(f"user {login!r}: {key} must be a list of names")
        return list(dict.fromkeys(value))

    def _everyone(self) -> Group | None:
        statement = select(Group).where(Group.tenant_id == self.tenant.id, Group.type == "BUILT_IN")
        return self.session.exec(statement).first()

    def _named(self, login: str, name: str) -> Group:
        group = self._group_named(name)
        if group is None:
            raise SeedError(f"user {login!r}: unknown group {name!r}")
        return group

    def _join(self, group: Group, user: User) -> None:
        tid = self.tenant.id
        if self.session.get(GroupMember, (tid, group.id, user.id)) is not None:
            return
        self.session.add(
            GroupMember(tenant_id=tid, group_id=group.id, user_id=user.id, added=self.now, seq=self._seq("member"))
        )
        group.last_membership_updated = self.now
        self.session.add(group)
        # The apps assigned to the group are assigned to its new member (scope GROUP).
        grants = self.session.exec(select(AppGroup).where(AppGroup.tenant_id == tid, AppGroup.group_id == group.id))
        for grant in grants.all():
            if self.session.get(AppUser, (tid, grant.app_id, user.id)) is None:
                self.session.add(
                    AppUser(
                        tenant_id=tid,
                        app_id=grant.app_id,
                        user_id=user.id,
                        direct=False,
                        credentials={"userName": (user.profile or {}).get("login")},
                        profile={},
                        created=self.now,
                        last_updated=self.now,
                        status_changed=self.now,
                        seq=self._seq("app_user"),
                    )
                )
        self.session.flush()

    def _grant_role(self, user: User, role: str, login: str) -> None:
        if role not in STANDARD_ROLES:
            raise SeedError(f"user {login!r}: unknown admin role {role!r}")
        self.session.add(
            RoleAssignment(
                tenant_id=self.tenant.id,
                id=new_id(self.tenant, "ra1"),
                principal_id=user.id,
                principal_type="USER",
                type=role,
                assignment_type="USER",
                created=self.now,
                last_updated=self.now,
            )
        )
