"""The fleet: which twins exist, and how to load each one. The only place that lists them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from services.core.twin import TwinSpec


@dataclass(frozen=True)
class TwinEntry:
    name: str
    module: str  # exposes SPEC: TwinSpec
    default_port: int

    def spec(self) -> TwinSpec:
        spec: TwinSpec = importlib.import_module(self.module).SPEC
        return spec


TWINS: dict[str, TwinEntry] = {
    entry.name: entry
    for entry in (
        TwinEntry("okta", "services.okta.app", 4101),
        TwinEntry("jira", "services.jira.app", 4102),
        TwinEntry("slack", "services.slack.app", 4103),
        TwinEntry("google", "services.gdrive.app", 4104),
    )
}

# Ports reserved for twins still to come, so the numbering is stable from day one.
PLANNED_PORTS: dict[str, int] = {}


def select(names: str | None) -> list[TwinEntry]:
    if not names:
        return list(TWINS.values())
    chosen = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name not in TWINS:
            known = ", ".join(TWINS)
            raise KeyError(f"unknown service {name!r} (available: {known})")
        chosen.append(TWINS[name])
    return chosen
