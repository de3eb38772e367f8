"""Loading a seed document into a Workspace domain.

```yaml
users:   [{email: carol@example.com, name: Carol Example, admin: false}]   # or just {email: carol}
groups:  [{email: eng@example.com, name: Engineering, members: [alice, carol]}]
files:   # folders and files, parents before children
  - {key: reports, name: Reports, folder: true, owner: alice}
  - {name: q1.txt, parent: reports, owner: alice, content: "Q1 numbers", mimeType: text/plain,
     permissions: [{type: user, role: reader, emailAddress: bob}, {type: domain, role: reader}]}
```
Users are named by email or by the part before `@` (in this domain); a file's `parent` is
another entry's `key` (or `name`), or an existing item id; `owner` defaults to admin.
Returns the ids created: `{"users": {email: id}, "groups": [...], "files": {key: id}}`.

A user may also carry an explicit Directory `id` (21 digits), `suspended`, and the Directory
fields `givenName`, `familyName`, `externalIds`, `organizations`, `relations`, `orgUnitPath`
(what the universe sets: externalIds [{type: organization, value: <Okta id>}]); each is kept
in the user's Directory profile (services/gdrive/directory/models.py) when the twin has one.

`domain: acme.test` makes that the Workspace's primary domain: the administrator's address
moves into it (admin@acme.test; the tenant's credentials follow), as when a company signs up
with its own domain. Directory users the API inserts must be in the primary domain.

`sso: {issuer, client_id, client_secret}` (an OIDC web app in an Okta org) makes the domain sign
its users in through that org at `/o/oauth2/auth` (services/gdrive/signin.py); `sso: null` removes it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlmodel import Session, select

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.gdrive import ids, signin
from services.gdrive.domain import content as blobs
from services.gdrive.domain import items
from services.gdrive.ids import from_hex
from services.gdrive.models import File, Group, Permission, User

try:  # the Directory API's tables (the Directory API may be absent from this twin)
    from services.gdrive.directory.models import DirectoryProfile
except ImportError:  # pragma: no cover - only without services/gdrive/directory
    DirectoryProfile = None  # type: ignore[assignment,misc]

ROLES = ("reader", "commenter", "writer")
USER_ID = re.compile(r"[1-9][0-9]{20}")
DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
# Directory API fields of a user a seed may give (kept in the user's DirectoryProfile).
DIRECTORY_FIELDS = ("givenName", "familyName", "externalIds", "orgUnitPath")
TYPES = ("user", "group", "domain", "anyone")


class SeedError(ValueError):
    pass


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SeedError(f"{key} must be a list of objects")
    return value


class Seeder:
    def __init__(self, session: Session, tenant: Tenant) -> None:
        self.session = session
        self.tenant = tenant
        self.now = tenant.clock.time()
        users = session.exec(select(User).where(User.tenant_id == tenant.id, User.kind == "user")).all()
        self.users = {u.email: u for u in users}
        admin = next((u for u in users if u.is_admin), None)
        if admin is None:
            raise SeedError("the domain has no administrator")
        self.admin = admin
        self.domain = admin.email.split("@", 1)[1]
        self.files: dict[str, File] = {}
        self.seq = 0
        self.user_ids = set(session.exec(select(User.id).where(User.tenant_id == tenant.id)).all())

    def email(self, ref: Any) -> str:
        if not isinstance(ref, str) or not ref.strip():
            raise SeedError(f"not a user or group reference: {ref!r}")
        text = ref.strip().lower()
        return text if "@" in text else f"{text}@{self.domain}"

    def user(self, ref: Any) -> User:
        found = self.users.get(self.email(ref))
        if found is None:
            raise SeedError(f"unknown user {ref!r}")
        return found

    def add_user(self, spec: dict[str, Any]) -> User:
        email = self.email(spec.get("email"))
        if email in self.users:
            raise SeedError(f"user {email} already exists")
        name = str(spec.get("name") or email.split("@", 1)[0].title())
        user_id = spec.get("id")
        if user_id is None:
            user_id, permission_id = self.tenant.ids.digits(21), self.tenant.ids.digits(20)
        elif isinstance(user_id, str) and USER_ID.fullmatch(user_id) and user_id not in self.user_ids:
            # Drive's permission id of a user is stable per user: derived from the Directory id.
            permission_id = from_hex(hashlib.sha256(f"permission:{user_id}".encode()).hexdigest(), 20)
        else:
            raise SeedError(f"user {email}: id must be 21 digits and not taken, got {user_id!r}")
        user = User(
            tenant_id=self.tenant.id,
            id=user_id,
            email=email,
            display_name=name,
            permission_id=permission_id,
            is_admin=bool(spec.get("admin", False)),
            suspended=bool(spec.get("suspended", False)),
            created=self.now,
        )
        self._profile(user, spec)
        self.user_ids.add(user_id)
        items.create_root(self.session, self.tenant, user)
        self.session.add(user)
        self.users[email] = user
        return user

    def _profile(self, user: User, spec: dict[str, Any]) -> None:
        """The Directory attributes the seed gives (only when the twin has the Directory API)."""
        if DirectoryProfile is None or not any(spec.get(key) is not None for key in DIRECTORY_FIELDS):
            return
        external = spec.get("externalIds")
        if external is not None and (
            not isinstance(external, list) or not all(isinstance(e, dict) and "value" in e for e in external)
        ):
            raise SeedError(f"user {user.email}: externalIds must be a list of {{type, value}} objects")
        given, _, family = user.display_name.partition(" ")
        self.session.add(
            DirectoryProfile(
                tenant_id=self.tenant.id,
                user_id=user.id,
                given_name=str(spec.get("givenName") or given),
                family_name=str(spec.get("familyName") or family),
                external_ids=external,
                org_unit_path=str(spec.get("orgUnitPath") or "/"),
            )
        )

    def move_to_domain(self, runtime: TwinRuntime, domain: Any) -> None:
        """Make `domain` the primary domain: the administrator's address moves into it."""
        if not isinstance(domain, str) or not DOMAIN.fullmatch(domain.strip().lower()):
            raise SeedError(f"domain must be a DNS name such as acme.test, got {domain!r}")
        domain = domain.strip().lower()
        if domain == self.domain:
            return
        old = self.admin.email
        new = f"{old.split('@', 1)[0]}@{domain}"
        if new in self.users:
            raise SeedError(f"cannot move the administrator to {new}: the address is taken")
        for permission in self.session.exec(
            select(Permission).where(Permission.tenant_id == self.tenant.id, Permission.email == old)
        ).all():
            permission.email = new
            self.session.add(permission)
        self.admin.email = new
        self.session.add(self.admin)
        self.users[new] = self.users.pop(old)
        self.domain = domain
        self.tenant.credentials = {**self.tenant.credentials, "admin_email": new, "domain": domain}
        runtime.tenants.save(self.tenant, self.session)

    def add_group(self, spec: dict[str, Any]) -> Group:
        email = self.email(spec.get("email"))
        members = spec.get("members") or []
        if not isinstance(members, list):
            raise SeedError(f"members of group {email} must be a list")
        group = Group(
            tenant_id=self.tenant.id,
            email=email,
            name=str(spec.get("name") or email.split("@", 1)[0]),
            members=[self.user(m).email for m in members],
        )
        self.session.merge(group)
        return group

    def parent(self, ref: Any, owner: User) -> str:
        if ref is None:
            return owner.root_folder_id
        if isinstance(ref, str) and ref in self.files:
            return self.files[ref].id
        if isinstance(ref, str) and self.session.get(File, (self.tenant.id, ref)) is not None:
            return ref
        raise SeedError(f"unknown parent {ref!r} (parents must come before their children)")

    def add_file(self, spec: dict[str, Any]) -> File:
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise SeedError("every file needs a name")
        owner = self.user(spec.get("owner")) if spec.get("owner") else self.admin
        folder = bool(spec.get("folder")) or spec.get("mimeType") == items.FOLDER
        content = spec.get("content")
        if content is not None and (folder or not isinstance(content, str)):
            raise SeedError(f"content of {name!r} must be text (and folders have none)")
        file = items.create_item(
            self.session,
            self.tenant,
            owner,
            name=name,
            mime_type=items.FOLDER if folder else str(spec.get("mimeType") or "text/plain"),
            parents=[self.parent(spec.get("parent"), owner)],
            now=self.now,
            client_id="",
            content=None if content is None else blobs.put_bytes(self.session, self.tenant.id, content.encode()),
            file_id=ids.file_id(self.tenant.ids),
        )
        if spec.get("description"):
            file.description = str(spec["description"])
        if isinstance(spec.get("properties"), dict):
            file.properties = {str(k): str(v) for k, v in spec["properties"].items()}
        file.starred = bool(spec.get("starred", False))
        for grant in spec.get("permissions") or []:
            self.grant(file, grant)
        self.files[str(spec.get("key") or name)] = file
        return file

    def grant(self, file: File, spec: Any) -> None:
        if not isinstance(spec, dict) or spec.get("type") not in TYPES or spec.get("role") not in ROLES:
            raise SeedError(f"permission {spec!r}: type must be one of {TYPES}, role one of {ROLES}")
        kind = spec["type"]
        email = self.email(spec.get("emailAddress")) if kind in ("user", "group") else ""
        domain = str(spec.get("domain") or self.domain).lower() if kind == "domain" else ""
        discoverable = bool(spec.get("allowFileDiscovery", False))
        if kind == "user":
            permission_id = self.user(email).permission_id
            display = self.user(email).display_name
        elif kind == "anyone":
            permission_id, display = ("anyone" if discoverable else "anyoneWithLink"), ""
        else:
            digest = hashlib.sha256(f"{kind}:{email or domain}".encode()).hexdigest()
            permission_id, display = from_hex(digest, 20), (domain if kind == "domain" else email)
        self.seq += 1
        self.session.add(
            Permission(
                tenant_id=self.tenant.id,
                file_id=file.id,
                id=permission_id,
                seq=1_000_000 + self.seq,
                type=kind,
                role=spec["role"],
                email=email,
                domain=domain,
                allow_file_discovery=discoverable,
                display_name=display,
                created=self.now,
            )
        )


def seed(session: Session, tenant: Tenant, runtime: TwinRuntime, document: dict[str, Any]) -> dict[str, Any]:
    seeder = Seeder(session, tenant)
    created: dict[str, Any] = {"users": {}, "groups": [], "files": {}}
    if document.get("domain") is not None:
        seeder.move_to_domain(runtime, document["domain"])
        created["admin_email"] = seeder.admin.email
    if "sso" in document:
        signin.configure_sso(session, tenant.id, document["sso"])
    for spec in _list(document, "users"):
        user = seeder.add_user(spec)
        created["users"][user.email] = user.id
    session.flush()
    for spec in _list(document, "groups"):
        created["groups"].append(seeder.add_group(spec).email)
    for spec in _list(document, "files"):
        file = seeder.add_file(spec)
        created["files"][str(spec.get("key") or file.name)] = file.id
    return created
