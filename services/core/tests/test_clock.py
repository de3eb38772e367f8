from __future__ import annotations

import time

import pytest

from services.core.clock import Clock


def test_running_clock_follows_wall_time() -> None:
    clock = Clock()
    assert abs(clock.time() - time.time()) < 1
    assert clock.state()["frozen"] is False


def test_freeze_holds_time_still() -> None:
    clock = Clock()
    clock.freeze(at=1_700_000_000.0)
    time.sleep(0.01)
    assert clock.time() == 1_700_000_000.0
    state = clock.state()
    assert {k: state[k] for k in ("now", "iso", "frozen")} == {
        "now": 1_700_000_000.0,
        "iso": "2023-11-14T22:13:20Z",
        "frozen": True,
    }
    # The offset says how far the clock is from the wall clock (here: in the past).
    assert abs(float(state["offset"] or 0) - (1_700_000_000.0 - time.time())) < 1.0


def test_a_frozen_clock_advanced_by_a_day_is_a_day_ahead() -> None:
    clock = Clock()
    clock.freeze()
    clock.advance(86_400)
    assert abs(float(clock.state()["offset"] or 0) - 86_400) < 1.0


def test_freeze_without_instant_freezes_now() -> None:
    clock = Clock()
    before = time.time()
    clock.freeze()
    assert before <= clock.time() <= time.time()


def test_advance_moves_a_frozen_clock() -> None:
    clock = Clock()
    clock.freeze(at=1000.0)
    clock.advance(3600)
    assert clock.time() == 4600.0


def test_advance_moves_a_running_clock() -> None:
    clock = Clock()
    clock.advance(86_400)
    assert clock.time() - time.time() == pytest.approx(86_400, abs=1)


def test_unfreeze_resumes_from_the_frozen_instant() -> None:
    clock = Clock()
    clock.freeze(at=time.time() + 10_000)
    frozen = clock.time()
    clock.unfreeze()
    assert clock.frozen_at is None
    resumed = clock.time()
    assert frozen <= resumed < frozen + 1, "time does not jump back to the wall clock"
    time.sleep(0.01)
    assert clock.time() > resumed, "and runs again"


def test_unfreeze_of_a_running_clock_changes_nothing() -> None:
    clock = Clock(offset=5.0)
    clock.unfreeze()
    assert clock.offset == 5.0


def test_set_moves_either_kind_of_clock() -> None:
    running, frozen = Clock(), Clock(frozen_at=1.0)
    running.set(2_000_000_000.0)
    frozen.set(2_000_000_000.0)
    assert frozen.time() == 2_000_000_000.0
    assert running.time() == pytest.approx(2_000_000_000.0, abs=1)
    assert running.state()["frozen"] is False
