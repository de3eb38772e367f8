"""Seeding apps that provision: the OIN app, its connection, group assignments and linked app users.

Used by the Okta seed (the universe loader). A spec:

```python
{"name": "slack", "label": "Slack",
 "provisioning": {"target": "slack", "baseUrl": "http://127.0.0.1:4103", "token": "xoxp-..."},
 # or {"target": "google", "baseUrl": ..., "serviceAccount": {...key JSON...}, "subject": "admin@acme.test"}
 # or {"target": "jira", "baseUrl": <Jira twin>/scim/directory/<id>, "token": <directory API key>} (app "atlassian")
 "groups": ["Everyone"],                                   # group names, assigned to the app
 "users": [{"login": "alice@acme.test", "externalId": "U0123"}]}   # already provisioned
```
A seed is a starting state: nothing is pushed and nothing is written to the System Log.
App users granted through `groups` start unprovisioned (syncState DISABLED) unless listed
in `users`, which marks them SYNCHRONIZED with their target account id as `externalId`
(a listed user whom no group grants the app is assigned directly).
Seeding the same app name again updates that app (its connection, groups and links).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta.call import next_seq
from services.okta.domain.apps import saml_document
from services.okta.errors import OktaError
from services.okta.models import App, AppConnection, AppGroup, AppUser, Group, GroupMember, User
from services.okta.oktaids import new_id
from services.okta.provisioning import connections

SYNCHRONIZED = "SYNCHRONIZED"


class SeedError(ValueError):
    """An app spec the org cannot take (the control plane answers 400)."""


def _sign_on(name: str, base_url: str) -> dict[str, Any]:
    """The SAML settings the OIN app would carry (Slack's and Google's ACS URLs and audiences)."""
    if name == "google":
        return {"ssoAcsUrl": "https://www.google.com/acs", "audience": "google.com"}
    if name == "atlassian":
        return {"ssoAcsUrl": "https://auth.atlassian.com/login/callback", "audience": "https://auth.atlassian.com"}
    return {"ssoAcsUrl": f"{base_url or 'https://slack.com'}/sso/saml", "audience": "https://slack.com"}


def seed_apps(
    session: Session, tenant: Tenant, runtime: TwinRuntime, specs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Create (or update) each app; returns `[{"id", "name", "label", "users": n}]`."""
    if not isinstance(specs, list) or not all(isinstance(spec, dict) for spec in specs):
        raise SeedError("apps must be a list of objects")
    return [_AppSeeder(session, tenant, spec).run() for spec in specs]


class _AppSeeder:
    def __init__(self, session: Session, tenant: Tenant, spec: dict[str, Any]) -> None:
        self.session = session
        self.tenant = tenant
        self.spec = spec
        self.now = tenant.clock.time()
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise SeedError("an app needs a name")
        self.name = name
        label = spec.get("label") or name
        if not isinstance(label, str):
            raise SeedError(f"app {name!r}: label must be a string")
        self.label = label

    def run(self) -> dict[str, Any]:
        provisioning = self.spec.get("provisioning")
        if provisioning is not None and not isinstance(provisioning, dict):
            raise SeedError(f"app {self.name!r}: provisioning must be an object")
        base_url = str((provisioning or {}).get("baseUrl") or "")
        app = self._app(base_url)
        if provisioning is not None:
            self._connection(app, provisioning)
        for group_name in self._names("groups"):
            self._assign_group(app, group_name)
        linked = [self._link(app, entry) for entry in self._entries()]
        self.session.flush()
        count = self.session.exec(
            select(AppUser.user_id).where(AppUser.tenant_id == self.tenant.id, AppUser.app_id == app.id)
        ).all()
        return {"id": app.id, "name": app.name, "label": app.label, "users": len(count), "linked": len(linked)}

    # -- the app and its connection --------------------------------------------------------
    def _app(self, base_url: str) -> App:
        existing = self.session.exec(select(App).where(App.tenant_id == self.tenant.id, App.name == self.name)).first()
        if existing is not None:
            return existing
        body = {"label": self.label, "settings": {"app": {}, "signOn": _sign_on(self.name, base_url)}}
        try:
            document = saml_document(body, self.name)
        except OktaError as exc:
            raise SeedError(f"app {self.name!r}: {'; '.join(exc.causes) or exc.summary}") from None
        app = App(
            tenant_id=self.tenant.id,
            id=new_id(self.tenant, "0oa"),
            name=self.name,
            label=self.label,
            status="ACTIVE",
            sign_on_mode="SAML_2_0",
            document=document,
            created=self.now,
            last_updated=self.now,
            seq=next_seq(self.session, self.tenant.id, "app"),
        )
        self.session.add(app)
        self.session.flush()
        return app

    def _connection(self, app: App, provisioning: dict[str, Any]) -> None:
        target = provisioning.get("target") or connections.target_of(app)
        if target not in connections.AUTH_SCHEMES:
            raise SeedError(f"app {self.name!r}: provisioning.target must be one of {sorted(connections.AUTH_SCHEMES)}")
        if connections.target_of(app) != target:
            raise SeedError(f"app {self.name!r}: only the app named {target!r} provisions to {target}")
        scheme = connections.AUTH_SCHEMES[target]
        profile: dict[str, Any] = {"authScheme": scheme}
        if scheme == "TOKEN":
            profile["token"] = provisioning.get("token")
        else:
            profile["serviceAccount"] = provisioning.get("serviceAccount")
            profile["subject"] = provisioning.get("subject")
        connection = self.session.get(AppConnection, (self.tenant.id, app.id)) or AppConnection(
            tenant_id=self.tenant.id, app_id=app.id, created=self.now
        )
        try:
            connections.configure(connection, target, {"profile": profile, "baseUrl": provisioning.get("baseUrl")})
        except OktaError as exc:
            raise SeedError(f"app {self.name!r}: {'; '.join(exc.causes) or exc.summary}") from None
        connection.status = "ENABLED"
        connection.last_updated = self.now
        self.session.add(connection)

    # -- assignments -------------------------------------------------------------------------
    def _names(self, key: str) -> list[str]:
        value = self.spec.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SeedError(f"app {self.name!r}: {key} must be a list of names")
        return list(dict.fromkeys(value))

    def _entries(self) -> list[dict[str, Any]]:
        value = self.spec.get("users") or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SeedError(f"app {self.name!r}: users must be a list of {{login, externalId}} objects")
        return value

    def _assign_group(self, app: App, group_name: str) -> None:
        tid = self.tenant.id
        group = self.session.exec(
            select(Group).where(Group.tenant_id == tid, Group.name_lower == group_name.lower())
        ).first()
        if group is None:
            raise SeedError(f"app {self.name!r}: unknown group {group_name!r}")
        if self.session.get(AppGroup, (tid, app.id, group.id)) is None:
            priority = len(
                self.session.exec(
                    select(AppGroup.group_id).where(AppGroup.tenant_id == tid, AppGroup.app_id == app.id)
                ).all()
            )
            self.session.add(
                AppGroup(
                    tenant_id=tid,
                    app_id=app.id,
                    group_id=group.id,
                    priority=priority,
                    profile={},
                    last_updated=self.now,
                    seq=next_seq(self.session, tid, "app_group"),
                )
            )
        members = select(User).join(
            GroupMember,
            (col(GroupMember.tenant_id) == col(User.tenant_id)) & (col(GroupMember.user_id) == col(User.id)),
        )
        for user in self.session.exec(
            members.where(GroupMember.tenant_id == tid, GroupMember.group_id == group.id)
        ).all():
            self._grant(app, user, direct=False)
        self.session.flush()

    def _grant(self, app: App, user: User, *, direct: bool) -> AppUser:
        tid = self.tenant.id
        assignment = self.session.get(AppUser, (tid, app.id, user.id))
        if assignment is None:
            assignment = AppUser(
                tenant_id=tid,
                app_id=app.id,
                user_id=user.id,
                direct=direct,
                credentials={"userName": (user.profile or {}).get("login")},
                profile={},
                created=self.now,
                last_updated=self.now,
                status_changed=self.now,
                seq=next_seq(self.session, tid, "app_user"),
            )
            self.session.add(assignment)
        return assignment

    def _link(self, app: App, entry: dict[str, Any]) -> AppUser:
        login, external_id = entry.get("login"), entry.get("externalId")
        if not isinstance(login, str) or not isinstance(external_id, str) or not external_id:
            raise SeedError(f"app {self.name!r}: each user needs a login and an externalId")
        user = self.session.exec(
            select(User).where(User.tenant_id == self.tenant.id, User.login_lower == login.lower())
        ).first()
        if user is None:
            raise SeedError(f"app {self.name!r}: unknown user {login!r}")
        assignment = self.session.get(AppUser, (self.tenant.id, app.id, user.id)) or self._grant(app, user, direct=True)
        assignment.external_id = external_id
        assignment.sync_state = SYNCHRONIZED
        assignment.last_sync = self.now
        self.session.add(assignment)
        return assignment
