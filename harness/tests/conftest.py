from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.fleet import Fleet
from harness.start import threaded_fleet

SCENARIOS = Path(__file__).parent / "scenarios"
FAULTS = Path(__file__).parent / "faults"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    """The twins these tests use (Google's tenant keys are slow to make and none of them needs it).

    Module-scoped: the fleet sets DTU_TENANT_KEY_REUSE for this process while it runs, and the
    rest of the suite must not inherit it.
    """
    with threaded_fleet(["slack", "okta", "jira"]) as running:
        yield running
