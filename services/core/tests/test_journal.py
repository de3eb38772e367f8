from __future__ import annotations

from typing import Any

from services.core.journal import Journal


def _record(journal: Journal, n: int, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "time": 1000.0 + n,
        "tenant": "a" if n % 2 else "b",
        "operation": "chat.postMessage" if n % 3 == 0 else "auth.test",
        "method": "POST",
        "path": "/api/chat.postMessage" if n % 3 == 0 else "/api/auth.test",
        "query": "",
        "status": 429 if n % 10 == 0 else 200,
        "latency_ms": 1.0,
        "request_excerpt": "",
        "response_excerpt": "",
    }
    fields.update(overrides)
    journal.record(**fields)


def test_ring_buffer_stays_bounded_at_ten_times_capacity() -> None:
    journal = Journal("slack", maxlen=100)
    for n in range(1000):
        _record(journal, n)
    assert len(journal) == 100
    assert journal.maxlen == 100
    entries = journal.query(limit=1000)
    assert [e.seq for e in entries] == list(range(901, 1001)), "oldest dropped, order kept"


def test_filters() -> None:
    journal = Journal("slack", maxlen=1000)
    for n in range(1, 101):
        _record(journal, n)
    assert {e.operation for e in journal.query(operation="auth.test", limit=1000)} == {"auth.test"}
    assert len(journal.query(operation="chat.postMessage", limit=1000)) == 33
    assert [e.status for e in journal.query(status=429, limit=1000)] == [429] * 10
    assert all(e.status >= 400 for e in journal.query(min_status=400, limit=1000))
    assert {e.tenant for e in journal.query(tenant="a", limit=1000)} == {"a"}
    assert len(journal.query(path="postMessage", limit=1000)) == 33, "path matches as a substring"
    assert len(journal.query(method="post", limit=1000)) == 100, "method is case-insensitive"
    assert journal.query(method="GET") == []
    assert [e.seq for e in journal.query(after_seq=95, limit=1000)] == [96, 97, 98, 99, 100]
    assert [e.time for e in journal.query(since=1050, until=1053)] == [1050, 1051, 1052]
    assert len(journal.query(limit=7)) == 7
    assert journal.query(limit=-1) == []
    combined = journal.query(tenant="b", operation="chat.postMessage", min_status=400, limit=1000)
    assert [e.seq for e in combined] == [30, 60, 90]


def test_entries_are_plain_dicts_and_clear_empties() -> None:
    journal = Journal("slack", maxlen=10)
    _record(journal, 1)
    entry = journal.query()[0].to_dict()
    assert entry["service"] == "slack"
    assert entry["seq"] == 1
    journal.clear()
    assert len(journal) == 0
    _record(journal, 2)
    assert journal.query()[0].seq == 2, "sequence numbers keep increasing after clear"
