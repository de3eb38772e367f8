from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.core import rsa_keys


def _n(key: rsa.RSAPrivateKey) -> int:
    return key.private_numbers().public_numbers.n


def test_fresh_keys_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(rsa_keys.REUSE_ENV, raising=False)
    first, second = rsa_keys.tenant_private_key(), rsa_keys.tenant_private_key()
    assert first.key_size == 2048 and _n(first) != _n(second)


def test_reuse_hands_out_a_bounded_set_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rsa_keys.REUSE_ENV, "2")
    monkeypatch.setattr(rsa_keys, "_pool", [])
    keys = {_n(rsa_keys.tenant_private_key()) for _ in range(6)}
    assert len(keys) == 2
