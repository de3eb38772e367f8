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
apps: [{name: slack, label: Slack, provisioning: {...}, groups: [Everyone], users: [...]}]
                                          # provisioning apps: services/okta/provisioning/seeding.py
```
Profiles follow the same rules as `POST /api/v1/users` (required attributes, unique login);
every user joins Everyone and gets the apps their groups are assigned to. Nothing is
written to the System Log: a seed is the org's starting state, not activity in it.
Groups and users may carry an explicit `id` (00g.../00u..., as the universe derives them).
The loader reads the org's groups, logins and app grants once, so large seeds stay fast.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, SQLModel, select

from services.core.bulk import insert_rows
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta.domain.roles import STANDARD_ROLES
from services.okta.domain.users import check_profile, clean_profile, password_problem
from services.okta.errors import OktaError
from services.okta.models import AppGroup, AppUser, Counter, Group, GroupMember, Org, RoleAssignment, User
from services.okta.oktaids import new_id
from services.okta.secrets import hash_password

SYNCHRONIZED = "SYNCHRONIZED"  # an app user already provisioned to its target (Okta's syncState)
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
    apps = _list(document, "apps")
    made: list[dict[str, Any]] = []
    if apps:
        # The apps first (connections, group assignments): the users created next then get their
        # assignments and provisioning links with their memberships, in bulk, not per user.
        loader.store_counters()
        made = _apps(session, tenant, runtime, [{k: v for k, v in spec.items() if k != "users"} for spec in apps])
        loader.reload_counters()
        loader.expect_links(made, apps)
    users = [loader.user(spec) for spec in _list(document, "users")]
    loader.link_remaining()
    loader.store_counters()
    summary: dict[str, Any] = {
        "groups": [{"id": g.id, "name": (g.profile or {}).get("name")} for g in groups],
        "users": [{"id": u["id"], "login": u["profile"].get("login")} for u in users],
    }
    if made:
        summary["apps"] = [{**app, **loader.app_counts(app["id"])} for app in made]
    return summary


def _apps(session: Session, tenant: Tenant, runtime: TwinRuntime, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apps with provisioning connections, through the provisioning package's seeding entry point."""
    try:
        from services.okta.provisioning.seeding import SeedError as AppSeedError
        from services.okta.provisioning.seeding import seed_apps
    except ImportError:  # the provisioning package is optional: without it, apps cannot be seeded
        raise SeedError("apps: this Okta twin has no provisioning support") from None
    try:
        return seed_apps(session, tenant, runtime, specs)
    except AppSeedError as exc:
        raise SeedError(str(exc)) from None


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
        tid = tenant.id
        # Read once: a seed of hundreds of users must not query per user (see the module docstring).
        groups = session.exec(select(Group).where(Group.tenant_id == tid)).all()
        self.groups = {g.name_lower: g for g in groups}
        self.everyone = next((g for g in groups if g.type == "BUILT_IN"), None)
        self.logins = set(session.exec(select(User.login_lower).where(User.tenant_id == tid)).all())
        self.ids = set(session.exec(select(User.id).where(User.tenant_id == tid)).all())
        self.grants: dict[str, list[str]] = {}
        for grant in session.exec(select(AppGroup).where(AppGroup.tenant_id == tid)).all():
            self.grants.setdefault(grant.group_id, []).append(grant.app_id)
        self.app_users: set[tuple[str, str]] = set()  # (app, user) granted in this seed
        self.links: dict[tuple[str, str], str] = {}  # (app, login) -> the target account's id
        # New rows, written in bulk by `write` (services/core/bulk.py): users, then the rest.
        self.rows: dict[type[SQLModel], list[dict[str, Any]]] = {User: [], GroupMember: [], AppUser: []}
        self.counters: dict[str, Counter] = {}
        self.reload_counters()

    def _seq(self, name: str) -> int:
        """The next value of an org sequence, counted here and stored by `store_counters`."""
        counter = self.counters.get(name)
        if counter is None:
            counter = self.counters[name] = Counter(tenant_id=self.tenant.id, name=name, value=0)
        self.next[name] = self.next.get(name, counter.value) + 1
        return self.next[name]

    def reload_counters(self) -> None:
        self.counters = {
            c.name: c for c in self.session.exec(select(Counter).where(Counter.tenant_id == self.tenant.id))
        }
        self.next: dict[str, int] = {}

    def store_counters(self) -> None:
        for name, value in self.next.items():
            counter = self.counters[name]
            counter.value = value
            self.session.add(counter)
        self.session.flush()

    # -- provisioning links ----------------------------------------------------------------
    def expect_links(self, made: list[dict[str, Any]], specs: list[dict[str, Any]]) -> None:
        """Note each app's already-provisioned users (`users: [{login, externalId}]`) and its grants."""
        self.links.clear()
        for app, spec in zip(made, specs, strict=True):
            entries = spec.get("users") or []
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise SeedError(f"app {app['name']!r}: users must be a list of {{login, externalId}} objects")
            for entry in entries:
                login, external_id = entry.get("login"), entry.get("externalId")
                if not isinstance(login, str) or not isinstance(external_id, str) or not external_id:
                    raise SeedError(f"app {app['name']!r}: each user needs a login and an externalId")
                self.links[(app["id"], login.lower())] = external_id
        self.grants = {}
        for grant in self.session.exec(select(AppGroup).where(AppGroup.tenant_id == self.tenant.id)).all():
            self.grants.setdefault(grant.group_id, []).append(grant.app_id)

    def _link(self, assignment: dict[str, Any], login_lower: str) -> None:
        external_id = self.links.pop((assignment["app_id"], login_lower), None)
        if external_id is not None:
            assignment.update(external_id=external_id, sync_state=SYNCHRONIZED, last_sync=self.now)

    def link_remaining(self) -> None:
        """Listed users no group granted the app (or who existed before this seed): assigned directly."""
        self.write()
        for (app_id, login_lower), external_id in list(self.links.items()):
            user = self.session.exec(
                select(User).where(User.tenant_id == self.tenant.id, User.login_lower == login_lower)
            ).first()
            if user is None:
                raise SeedError(f"apps: unknown user {login_lower!r}")
            found = self.session.get(AppUser, (self.tenant.id, app_id, user.id))
            if found is None:
                self._link(self._app_user(app_id, user.id, login_lower, direct=True), login_lower)
                continue
            found.external_id, found.sync_state, found.last_sync = external_id, SYNCHRONIZED, self.now
            self.links.pop((app_id, login_lower))
            self.session.add(found)
        self.write()

    def app_counts(self, app_id: str) -> dict[str, int]:
        rows = self.session.exec(
            select(AppUser.external_id).where(AppUser.tenant_id == self.tenant.id, AppUser.app_id == app_id)
        ).all()
        return {"users": len(rows), "linked": sum(1 for r in rows if r)}

    def _app_user(self, app_id: str, user_id: str, login: str, *, direct: bool) -> dict[str, Any]:
        self.app_users.add((app_id, user_id))
        assignment = {
            "tenant_id": self.tenant.id,
            "app_id": app_id,
            "user_id": user_id,
            "direct": direct,
            "credentials": {"userName": login},
            "profile": {},
            "created": self.now,
            "last_updated": self.now,
            "status_changed": self.now,
            "seq": self._seq("app_user"),
        }
        self.rows[AppUser].append(assignment)
        return assignment

    def _group_named(self, name: str) -> Group | None:
        return self.groups.get(name.lower())

    def _explicit_id(self, spec: dict[str, Any], prefix: str, what: str) -> str:
        """An `id` from the seed (Okta's shape: prefix + 17 base62), else a new one."""
        value = spec.get("id")
        if value is None:
            return new_id(self.tenant, prefix)
        if not isinstance(value, str) or not re.fullmatch(prefix + "[0-9A-Za-z]{17}", value):
            raise SeedError(f"{what}: id must be {prefix} followed by 17 letters or digits, got {value!r}")
        return value

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
        group_id = self._explicit_id(spec, "00g", f"group {name!r}")
        if self.session.get(Group, (self.tenant.id, group_id)) is not None:
            raise SeedError(f"group {name!r}: id {group_id!r} is taken")
        group = Group(
            tenant_id=self.tenant.id,
            id=group_id,
            type="OKTA_GROUP",
            profile={"name": name, "description": description},
            name_lower=name.lower(),
            created=self.now,
            last_updated=self.now,
            last_membership_updated=self.now,
            seq=self._seq("group"),
        )
        self.session.add(group)
        self.groups[group.name_lower] = group
        return group

    def user(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A new user as a row (written with `write`), with memberships, app grants and roles."""
        try:
            profile = clean_profile(spec.get("profile"))
            check_profile(profile)
        except OktaError as exc:
            raise SeedError("; ".join(exc.causes) or exc.summary) from None
        login = str(profile["login"]).strip()
        if login.lower() in self.logins:
            raise SeedError(f"login {login!r} exists")
        user_id = self._explicit_id(spec, "00u", f"user {login!r}")
        if user_id in self.ids:
            raise SeedError(f"user {login!r}: id {user_id!r} is taken")
        password = spec.get("password")
        if password is not None and (not isinstance(password, str) or password_problem(password, login)):
            raise SeedError(f"user {login!r}: the password does not meet the default password policy")
        status = str(spec.get("status") or ("ACTIVE" if password else "STAGED")).upper()
        if status not in STATUSES:
            raise SeedError(f"user {login!r}: unknown status {status!r}")
        activated = status != "STAGED"
        user = {
            "tenant_id": self.tenant.id,
            "id": user_id,
            "status": status,
            "login_lower": login.lower(),
            "profile": profile,
            "password_hash": hash_password(password) if password else None,
            "provider": {"type": "OKTA", "name": "OKTA"},
            "created": self.now,
            "activated": self.now if activated else None,
            "status_changed": self.now if activated else None,
            "last_updated": self.now,
            "password_changed": self.now if password else None,
            "seq": self._seq("user"),
        }
        self.rows[User].append(user)
        self.logins.add(login.lower())
        self.ids.add(user_id)
        memberships = [self.everyone, *(self._named(login, name) for name in self._names(spec, "groups", login))]
        for group in {g.id: g for g in memberships if g is not None}.values():
            self._join(group, user_id, login)
        for role in self._names(spec, "roles", login):
            self._grant_role(user_id, role.upper(), login)
        return user

    def write(self) -> None:
        """The new users, memberships and app users, one INSERT per table."""
        self.session.flush()
        for model, rows in self.rows.items():
            insert_rows(self.session, model, rows)
            rows.clear()

    @staticmethod
    def _names(spec: dict[str, Any], key: str, login: str) -> list[str]:
        value = spec.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SeedError(f"user {login!r}: {key} must be a list of names")
        return list(dict.fromkeys(value))

    def _named(self, login: str, name: str) -> Group:
        group = self._group_named(name)
        if group is None:
            raise SeedError(f"user {login!r}: unknown group {name!r}")
        return group

    def _join(self, group: Group, user_id: str, login: str) -> None:
        # The user is new in this seed: no membership or app grant of theirs exists yet.
        self.rows[GroupMember].append(
            {
                "tenant_id": self.tenant.id,
                "group_id": group.id,
                "user_id": user_id,
                "added": self.now,
                "seq": self._seq("member"),
            }
        )
        group.last_membership_updated = self.now
        self.session.add(group)
        # The apps assigned to the group are assigned to its new member (scope GROUP).
        for app_id in self.grants.get(group.id, []):
            if (app_id, user_id) not in self.app_users:
                self._link(self._app_user(app_id, user_id, login, direct=False), login.lower())

    def _grant_role(self, user_id: str, role: str, login: str) -> None:
        if role not in STANDARD_ROLES:
            raise SeedError(f"user {login!r}: unknown admin role {role!r}")
        self.session.add(
            RoleAssignment(
                tenant_id=self.tenant.id,
                id=new_id(self.tenant, "ra1"),
                principal_id=user_id,
                principal_type="USER",
                type=role,
                assignment_type="USER",
                created=self.now,
                last_updated=self.now,
            )
        )
