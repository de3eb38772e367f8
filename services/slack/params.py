"""Typed access to a Slack method's merged parameters.

Slack is lenient about types: booleans arrive as true/false/1/0, lists as JSON arrays
or comma-separated strings, blocks and attachments as JSON or JSON strings. Every
getter either returns a clean value or raises the error Slack would send.
"""

from __future__ import annotations

import json
from typing import Any

from services.slack.errors import SlackError, invalid_arguments

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}


class Params:
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return name in self.values and self.values[name] not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def string(self, name: str, default: str | None = None, *, required: bool = False, error: str | None = None) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise SlackError(error) if error else invalid_arguments(f"missing required field: {name}")
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise invalid_arguments(f"invalid type for field: {name}")
        return value

    def required(self, name: str, error: str | None = None) -> str:
        value: str = self.string(name, required=True, error=error)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in FALSE:
            return False
        raise invalid_arguments(f"invalid boolean for field: {name}")

    def integer(
        self, name: str, default: int | None = None, *, minimum: int | None = None, maximum: int | None = None
    ) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise invalid_arguments(f"invalid integer for field: {name}")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid_arguments(f"invalid integer for field: {name}") from None
        # Databases hold 64-bit integers at most: clamp so an absurd number never reaches them.
        number = max(min(number, 2**63 - 1), -(2**63))
        if minimum is not None and number < minimum:
            number = minimum
        if maximum is not None and number > maximum:
            number = maximum
        return number

    def strings(self, name: str, *, required: bool = False) -> list[str]:
        """A list given as a JSON array, a JSON-array string, or a comma-separated string."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise invalid_arguments(f"missing required field: {name}")
            return []
        if isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("["):
                try:
                    value = json.loads(stripped)
                except ValueError:
                    raise invalid_arguments(f"invalid array for field: {name}") from None
            else:
                return [part.strip() for part in stripped.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise invalid_arguments(f"invalid array for field: {name}")
        return [str(v) for v in value]

    def json(self, name: str, *, error: str = "invalid_arguments") -> Any:
        """A structured value (blocks, attachments, metadata) given as JSON or a JSON string."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                if error == "invalid_arguments":
                    raise invalid_arguments(f"invalid JSON for field: {name}") from None
                raise SlackError(error) from None
        return value

    def limit(self, default: int = 100, maximum: int = 1000) -> int:
        """Slack clamps `limit` into [1, maximum]; 0 or absent means the default."""
        value = self.integer("limit", default)
        if value is None or value <= 0:
            return default
        return int(min(value, maximum))
