from __future__ import annotations

import time

import pytest

from services.core.faults import FaultInjector, FaultSpecError, InjectedFault


async def _fired(injector: FaultInjector, operation: str = "chat.postMessage", tenant: str | None = "t1") -> bool:
    try:
        await injector.apply(operation, tenant)
    except InjectedFault:
        return True
    return False


async def _pattern(seed: int, calls: int = 50) -> list[bool]:
    injector = FaultInjector(seed=str(seed))
    injector.add({"operation": "chat.*", "kind": "error", "probability": 0.3})
    return [await _fired(injector) for _ in range(calls)]


async def test_seeded_probability_replays_identically() -> None:
    first, second = await _pattern(7), await _pattern(7)
    assert first == second
    assert 0 < sum(first) < len(first)
    assert await _pattern(8) != first, "another seed, another sequence"


async def test_reseed_restarts_the_sequence() -> None:
    injector = FaultInjector()
    injector.add({"kind": "error", "probability": 0.5})
    injector.reseed(42)
    first = [await _fired(injector) for _ in range(30)]
    injector.reseed(42)
    assert [await _fired(injector) for _ in range(30)] == first


async def test_remaining_counts_down_and_stops() -> None:
    injector = FaultInjector()
    rule = injector.add({"operation": "auth.test", "kind": "rate_limit", "retry_after": 2, "remaining": 3})
    outcomes = [await _fired(injector, "auth.test") for _ in range(5)]
    assert outcomes == [True, True, True, False, False]
    assert rule.fired == 3
    assert rule.remaining == 0


async def test_rules_match_operation_glob_and_tenant() -> None:
    injector = FaultInjector()
    injector.add({"operation": "chat.*", "kind": "error", "tenant": "t1"})
    assert await _fired(injector, "chat.update", "t1")
    assert not await _fired(injector, "chat.update", "t2"), "another tenant is untouched"
    assert not await _fired(injector, "conversations.list", "t1"), "another operation is untouched"


async def test_fired_error_carries_its_rule() -> None:
    injector = FaultInjector()
    injector.add({"kind": "error", "status": 503, "error": "service_unavailable"})
    with pytest.raises(InjectedFault) as caught:
        await injector.apply("auth.test", None)
    assert (caught.value.rule.status, caught.value.rule.error) == (503, "service_unavailable")


async def test_latency_delays_without_failing() -> None:
    injector = FaultInjector()
    injector.add({"kind": "latency", "latency_ms": 50})
    started = time.perf_counter()
    assert not await _fired(injector)
    assert time.perf_counter() - started >= 0.05


def test_clear_and_remove() -> None:
    injector = FaultInjector()
    a = injector.add({"tenant": "t1"})
    injector.add({"tenant": "t2"})
    injector.clear("t1")
    assert [r.tenant for r in injector.rules()] == ["t2"]
    assert not injector.remove(a.id)
    injector.clear()
    assert injector.rules() == []


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"probability": 1.5},
        {"probability": -0.1},
        {"status": 200},
        {"latency_ms": -1},
        {"retry_after": -1},
        {"unknown_field": 1},
        {"id": 5},
    ],
)
def test_invalid_rules_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(FaultSpecError):
        FaultInjector().add(spec)


async def test_a_rule_with_its_own_seed_ignores_other_tenants_traffic() -> None:
    """random_seed: the rule's sequence depends only on the requests it matches."""

    async def sequence(noise: int) -> list[bool]:
        injector = FaultInjector(seed="global")
        injector.add({"kind": "error", "probability": 0.5, "tenant": "t1", "random_seed": "trajectory-1"})
        injector.add({"kind": "error", "probability": 0.5, "tenant": "t2"})
        fired = []
        for _ in range(30):
            for _ in range(noise):
                await _fired(injector, tenant="t2")
            fired.append(await _fired(injector, tenant="t1"))
        return fired

    quiet = await sequence(0)
    assert quiet == await sequence(3)
    assert 0 < sum(quiet) < len(quiet)


def test_random_seed_must_be_a_string_or_an_integer() -> None:
    with pytest.raises(FaultSpecError):
        FaultInjector().add({"kind": "error", "random_seed": [1]})
