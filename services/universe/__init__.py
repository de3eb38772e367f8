"""One company described once (a universe file) and loaded consistently into every twin.

    from services.universe import FleetClient, apply_universe, load_universe
    universe = load_universe("services/universe/default.yaml")
    with FleetClient({"okta": "http://127.0.0.1:4101", ...}) as fleet:
        apply_universe(universe, fleet, tenant="t1")
    universe.person("alice").okta_id

See README.md in this directory for the file format, the ids and the cross-references.
"""

from services.universe.apply import apply_in_process, apply_universe
from services.universe.compile import Targets, compile_universe
from services.universe.fleet import FleetClient, FleetError
from services.universe.generate import generate_universe, render_yaml
from services.universe.load import DEFAULT_PATH, UniverseError, default_universe, load_universe
from services.universe.model import Person, Universe

__all__ = [
    "DEFAULT_PATH",
    "FleetClient",
    "FleetError",
    "Person",
    "Targets",
    "Universe",
    "UniverseError",
    "apply_in_process",
    "apply_universe",
    "compile_universe",
    "default_universe",
    "generate_universe",
    "load_universe",
    "render_yaml",
]
