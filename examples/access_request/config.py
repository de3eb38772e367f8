"""Settings from the environment: the `DTU_*` variables `dtu env` prints, plus the service's own."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BUNDLED_CATALOGUE = Path(__file__).with_name("catalogue.yaml")
DRIVE_ROLES = ("reader", "commenter", "writer")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Resource:
    name: str
    okta_group: str | None = None
    drive_folder: str | None = None
    drive_owner: str | None = None
    drive_role: str = "reader"
    slack_channel: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    resources: dict[str, Resource]
    default: str | None = None

    def for_ticket(self, labels: list[str], summary: str) -> Resource | None:
        """The resource a ticket asks for: a label naming it, else its name or an alias in the summary."""
        by_label = {label.lower() for label in labels}
        for resource in self.resources.values():
            if resource.name.lower() in by_label:
                return resource
        text = summary.lower()
        for resource in self.resources.values():
            if any(word.lower() in text for word in (resource.name, *resource.aliases)):
                return resource
        return self.resources.get(self.default) if self.default else None


@dataclass(frozen=True)
class Settings:
    slack_url: str
    slack_bot_token: str
    okta_org_url: str
    okta_api_token: str
    jira_url: str
    jira_email: str
    jira_api_token: str
    google_discovery_url: str
    google_service_account: dict[str, Any]
    google_admin_email: str
    catalogue: Catalogue
    host: str = "127.0.0.1"
    port: int = 8090
    public_url: str = ""
    project: str = "ACC"
    approved_status: str = "Approved"
    setup_workflow: bool = True
    webhook_secret: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url or f'http://{self.host}:{self.port}'}/jira/webhook"


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set (run `dtu env` to see the twins' variables)")
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def parse_catalogue(document: Any, source: str) -> Catalogue:
    if not isinstance(document, dict) or not isinstance(document.get("resources"), dict):
        raise ConfigError(f"{source}: a catalogue is a mapping with `resources: {{name: {{...}}}}`")
    known = set(Resource.__dataclass_fields__) - {"name"}
    resources: dict[str, Resource] = {}
    for name, entry in document["resources"].items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise ConfigError(f"{source}: resources.{name} must be a mapping")
        unknown = set(entry) - known
        if unknown:
            raise ConfigError(f"{source}: resources.{name}: unknown keys {sorted(unknown)}")
        role = str(entry.get("drive_role", "reader"))
        if role not in DRIVE_ROLES:
            raise ConfigError(f"{source}: resources.{name}.drive_role must be one of {DRIVE_ROLES}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list):
            raise ConfigError(f"{source}: resources.{name}.aliases must be a list")
        values = {k: None if v is None else str(v) for k, v in entry.items() if k not in ("aliases", "drive_role")}
        resources[str(name)] = Resource(name=str(name), drive_role=role, aliases=tuple(map(str, aliases)), **values)
    default = document.get("default")
    if default is not None and default not in resources:
        raise ConfigError(f"{source}: default {default!r} is not a resource")
    return Catalogue(resources, default)


def load_catalogue(value: str | None) -> Catalogue:
    """ACCESS_CATALOGUE: a YAML file's path, or the YAML (or JSON) itself; unset: the bundled one."""
    if not value:
        return parse_catalogue(yaml.safe_load(BUNDLED_CATALOGUE.read_text()), str(BUNDLED_CATALOGUE))
    path = Path(value)
    if "\n" not in value and not value.lstrip().startswith("{") and path.is_file():
        return parse_catalogue(yaml.safe_load(path.read_text()), value)
    try:
        document = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise ConfigError(f"ACCESS_CATALOGUE is neither a file nor valid YAML: {exc}") from exc
    return parse_catalogue(document, "ACCESS_CATALOGUE")


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    try:
        service_account = json.loads(_required(env, "DTU_GOOGLE_SERVICE_ACCOUNT_JSON"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"DTU_GOOGLE_SERVICE_ACCOUNT_JSON is not JSON: {exc}") from exc
    port_text = env.get("ACCESS_PORT", "8090")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"ACCESS_PORT must be a TCP port, not {port_text!r}")
    optional = {
        key: env[name]
        for key, name in (
            ("host", "ACCESS_HOST"),
            ("public_url", "ACCESS_PUBLIC_URL"),
            ("approved_status", "ACCESS_APPROVED_STATUS"),
            ("webhook_secret", "ACCESS_WEBHOOK_SECRET"),
        )
        if env.get(name)
    }
    return Settings(
        slack_url=_required(env, "DTU_SLACK_URL"),
        slack_bot_token=_required(env, "DTU_SLACK_BOT_TOKEN"),
        okta_org_url=_required(env, "DTU_OKTA_ORG_URL"),
        okta_api_token=_required(env, "DTU_OKTA_API_TOKEN"),
        jira_url=_required(env, "DTU_JIRA_URL"),
        jira_email=_required(env, "DTU_JIRA_EMAIL"),
        jira_api_token=_required(env, "DTU_JIRA_API_TOKEN"),
        google_discovery_url=_required(env, "DTU_GOOGLE_DISCOVERY_URL"),
        google_service_account=service_account,
        google_admin_email=_required(env, "DTU_GOOGLE_ADMIN_EMAIL"),
        catalogue=load_catalogue(env.get("ACCESS_CATALOGUE")),
        port=int(port_text),
        project=env.get("ACCESS_PROJECT", "ACC") or "ACC",
        setup_workflow=_flag(env.get("ACCESS_SETUP_WORKFLOW", "1")),
        **optional,
    )
