"""`load_universe`: a file, a mapping or the shipped default, validated into a `Universe`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from services.universe.model import Universe

DEFAULT_PATH = Path(__file__).with_name("default.yaml")
# libyaml's safe loader when PyYAML has it: the default universe parses several times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_COMPANY = {"name": "Acme Corp", "domain": "acme.test"}


class UniverseError(ValueError):
    """A universe that cannot be loaded; the message names the file and the path of each problem."""


def load_universe(source: str | Path | dict[str, Any] | Universe) -> Universe:
    """A validated universe from a YAML/JSON file path, `"default"` (the shipped one) or a mapping.

    A mapping may be a fragment (people, groups, ...): `company` defaults to Acme Corp, acme.test.
    """
    if isinstance(source, Universe):
        return source
    if isinstance(source, dict):
        return _validate(source, "<mapping>")
    if str(source) == "default":
        return default_universe()
    path = Path(source)
    try:
        text = path.read_text()
    except OSError as exc:
        raise UniverseError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        document = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise UniverseError(f"{path}: not valid YAML: {exc}") from None
    return _validate(document, str(path))


@lru_cache(maxsize=1)
def default_universe() -> Universe:
    """The shipped default universe (parsed once per process)."""
    return load_universe(DEFAULT_PATH)


def _validate(document: Any, origin: str) -> Universe:
    if not isinstance(document, dict):
        raise UniverseError(f"{origin}: a universe is a mapping (universe: 1, company: ..., people: [...])")
    document = {"company": DEFAULT_COMPANY, **document}
    try:
        return Universe.model_validate(document)
    except ValidationError as exc:
        lines = [f"{origin}: {exc.error_count()} problem(s) in the universe"]
        lines += [f"  {_location(error['loc'])}: {_message(error)}" for error in exc.errors()]
        raise UniverseError("\n".join(lines)) from None


def _location(loc: tuple[Any, ...]) -> str:
    """pydantic's ('people', 3, 'manager') as the file's path: people[3].manager."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("list[constrained-str]", "GroupRef", "literal['everyone']") or "[" in str(part):
            continue  # union branch names say which alternative failed, not where
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _message(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch" and error["loc"] and "handle" in str(error["loc"][-1]):
        return f"{error['input']!r} is not a handle (lowercase letters, digits, . _ -; starting with a letter)"
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return message
