"""The universe file's schema: one company described once, validated before any twin sees it.

A person, group or app is named by its `handle` (lowercase, unique); every cross-reference in
the file (manager, groups, channel members, project lead, folder owner, shares) is a handle and
is checked here, so a bad file fails with the path of the offending value, never half-loaded.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.universe import ids

HANDLE = r"^[a-z][a-z0-9._-]{0,62}$"
EVERYONE = "everyone"  # the built-in group of every person (Okta's Everyone)
STATUSES = ("active", "staged", "suspended", "deprovisioned")

Handle = Annotated[str, Field(pattern=HANDLE)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a universe file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Company(Strict):
    name: str = Field(min_length=1)
    domain: str = Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class PersonSpec(Strict):
    handle: Handle
    name: str = Field(min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    title: str | None = None
    department: str | None = None
    manager: Handle | None = None
    groups: list[Handle] = Field(default_factory=list)
    status: Literal["active", "staged", "suspended", "deprovisioned"] = "active"
    password: str | None = None

    @field_validator("password")
    @classmethod
    def _okta_policy(cls, value: str | None) -> str | None:
        # Okta's default password policy: 8+ characters with lower, upper and a digit.
        if value is not None and not (len(value) >= 8 and all(re.search(c, value) for c in ("[a-z]", "[A-Z]", r"\d"))):
            raise ValueError("must have 8+ characters with a lowercase letter, an uppercase letter and a digit")
        return value


class GroupSpec(Strict):
    handle: Handle
    name: str = Field(min_length=1)
    description: str | None = None

    @field_validator("handle")
    @classmethod
    def _not_everyone(cls, value: str) -> str:
        if value == EVERYONE:
            raise ValueError(f"{EVERYONE!r} is built in (every person); it cannot be declared")
        return value


class GroupRef(Strict):
    group: Handle


# Who: "everyone", a list of person handles, or {group: handle}.
Members = Literal["everyone"] | list[Handle] | GroupRef


class Assignment(Strict):
    groups: list[Handle] = Field(default_factory=list)
    people: list[Handle] = Field(default_factory=list)


class AppSpec(Strict):
    handle: Handle
    label: str = Field(min_length=1)
    assign: Assignment = Field(default_factory=Assignment)


class Channel(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")
    private: bool = False
    members: Members = "everyone"
    # The workspace's app bot (the twin's dtu_bot) is a member too, as if someone had invited the
    # app: a service posting with the bot token needs that for a private channel.
    bot: bool = False
    topic: str | None = None
    purpose: str | None = None


class SlackSpec(Strict):
    channels: list[Channel] = Field(default_factory=list)


class Project(Strict):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")
    name: str = Field(min_length=1)
    lead: Handle
    members: Members = "everyone"
    type: Literal["software", "business", "service_desk"] = "software"


class JiraSpec(Strict):
    projects: list[Project] = Field(default_factory=list)


class Share(Strict):
    group: Handle | None = None
    person: Handle | None = None
    role: Literal["reader", "commenter", "writer"] = "reader"

    @model_validator(mode="after")
    def _one_grantee(self) -> Share:
        if (self.group is None) == (self.person is None):
            raise ValueError("a share names exactly one of group or person")
        return self


class Folder(Strict):
    name: str = Field(min_length=1)
    owner: Handle
    share: list[Share] = Field(default_factory=list)


class GoogleSpec(Strict):
    folders: list[Folder] = Field(default_factory=list)


class Person(Strict):
    """A person as every twin knows them: the spec plus the derived email, password and ids."""

    handle: str
    name: str
    email: str
    title: str | None
    department: str | None
    manager: str | None
    groups: tuple[str, ...]
    status: str
    password: str
    okta_id: str
    slack_id: str
    jira_account_id: str
    google_id: str

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        # Okta requires a last name: a one-word name repeats it.
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) > 1 else parts[0]

    @property
    def active(self) -> bool:
        return self.status == "active"


class Universe(Strict):
    """A validated universe. Build it with `load_universe`; `people` holds the derived `Person`s."""

    universe: Literal[1] = 1
    company: Company
    seed: int = 0
    people: list[PersonSpec] = Field(default_factory=list)
    groups: list[GroupSpec] = Field(default_factory=list)
    apps: list[AppSpec] = Field(default_factory=list)
    slack: SlackSpec = Field(default_factory=SlackSpec)
    jira: JiraSpec = Field(default_factory=JiraSpec)
    google: GoogleSpec = Field(default_factory=GoogleSpec)

    @model_validator(mode="after")
    def _references(self) -> Universe:
        problems = _reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def persons(self) -> dict[str, Person]:
        """Every person by handle, with the email, password and ids derived from (seed, handle)."""
        return {spec.handle: _derive(self, spec) for spec in self.people}

    def person(self, handle: str) -> Person:
        try:
            return self.persons[handle]
        except KeyError:
            raise KeyError(f"no person {handle!r} in the universe") from None

    def group(self, handle: str) -> GroupSpec:
        for group in self.groups:
            if group.handle == handle:
                return group
        raise KeyError(f"no group {handle!r} in the universe")

    def members_of(self, group: str) -> list[Person]:
        """A group's people in file order (`everyone`: every person)."""
        return [p for p in self.persons.values() if group == EVERYONE or group in p.groups]

    def resolve(self, members: Members) -> list[Person]:
        if members == EVERYONE:
            return list(self.persons.values())
        if isinstance(members, GroupRef):
            return self.members_of(members.group)
        return [self.persons[h] for h in dict.fromkeys(members)]

    def group_email(self, handle: str) -> str:
        return f"{handle}@{self.company.domain}"


def _derive(universe: Universe, spec: PersonSpec) -> Person:
    seed, handle = universe.seed, spec.handle
    email = (spec.email or f"{handle}@{universe.company.domain}").lower()
    return Person(
        handle=handle,
        name=spec.name,
        email=email,
        title=spec.title,
        department=spec.department,
        manager=spec.manager,
        groups=tuple(dict.fromkeys(spec.groups)),
        status=spec.status,
        password=spec.password or ids.password(seed, handle, email.split("@", 1)[0]),
        okta_id=ids.okta_user_id(seed, handle),
        slack_id=ids.slack_user_id(seed, handle),
        jira_account_id=ids.jira_account_id(seed, handle),
        google_id=ids.google_user_id(seed, handle),
    )


def _reference_problems(u: Universe) -> list[str]:
    """Every dangling or duplicated handle, each with its path in the file."""
    problems: list[str] = []
    people = {p.handle for p in u.people}
    groups = {g.handle for g in u.groups} | {EVERYONE}

    def unique(kind: str, values: list[str]) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                problems.append(f"{kind}[{i}]: duplicate {value!r}")
            seen.add(value)

    def ref(path: str, value: str | None, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            problems.append(f"{path}: unknown {what} {value!r}")

    def members(path: str, value: Members) -> None:
        if isinstance(value, GroupRef):
            ref(f"{path}.group", value.group, groups, "group")
        elif isinstance(value, list):
            for i, handle in enumerate(value):
                ref(f"{path}[{i}]", handle, people, "person")

    unique("people", [p.handle for p in u.people])
    unique("people (email)", [(p.email or f"{p.handle}@{u.company.domain}").lower() for p in u.people])
    unique("groups", [g.handle for g in u.groups])
    unique("apps", [a.handle for a in u.apps])
    unique("slack.channels", [c.name for c in u.slack.channels])
    unique("jira.projects", [p.key for p in u.jira.projects])
    reserved = f"admin@{u.company.domain}"  # the twins' own administrator (Google moves it into the domain)
    for i, p in enumerate(u.people):
        if (p.email or f"{p.handle}@{u.company.domain}").lower() == reserved:
            problems.append(f"people[{i}]: {reserved} is the twins' administrator; choose another handle or email")
        ref(f"people[{i}].manager", p.manager, people, "person")
        if p.manager == p.handle:
            problems.append(f"people[{i}].manager: a person cannot manage themself")
        for j, g in enumerate(p.groups):
            ref(f"people[{i}].groups[{j}]", g, groups, "group")
    for i, a in enumerate(u.apps):
        for j, g in enumerate(a.assign.groups):
            ref(f"apps[{i}].assign.groups[{j}]", g, groups, "group")
        for j, h in enumerate(a.assign.people):
            ref(f"apps[{i}].assign.people[{j}]", h, people, "person")
    for i, c in enumerate(u.slack.channels):
        members(f"slack.channels[{i}].members", c.members)
    for i, pr in enumerate(u.jira.projects):
        ref(f"jira.projects[{i}].lead", pr.lead, people, "person")
        members(f"jira.projects[{i}].members", pr.members)
    for i, f in enumerate(u.google.folders):
        ref(f"google.folders[{i}].owner", f.owner, people, "person")
        for j, s in enumerate(f.share):
            ref(f"google.folders[{i}].share[{j}].group", s.group, groups, "group")
            ref(f"google.folders[{i}].share[{j}].person", s.person, people, "person")
    return problems


def as_plain(value: Any) -> Any:
    """A model as the plain mapping the YAML holds (defaults left out)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    return value
