"""RSA keys for new tenants (Okta's API service app, Google's service account), optionally reused.

Generating a 2048-bit key costs 50-100 ms of CPU, most of what creating an Okta or a Google
tenant costs. A scenario run creates a tenant per trajectory, thousands per minute, so its
own fleet sets DTU_TENANT_KEY_REUSE=N: each process then makes N keys on first use and hands
them out in turn. Tenants sharing a key stay isolated by their own client ids, key ids and
token tables; what they lose is only that one tenant's private key could sign for another
tenant's client, which no user-facing flow does. Unset (the default): a fresh key per tenant.
"""

from __future__ import annotations

import itertools
import os
import threading

from cryptography.hazmat.primitives.asymmetric import rsa

REUSE_ENV = "DTU_TENANT_KEY_REUSE"
_lock = threading.Lock()
_pool: list[rsa.RSAPrivateKey] = []
_turn = itertools.count()


def _generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def tenant_private_key() -> rsa.RSAPrivateKey:
    raw = os.environ.get(REUSE_ENV, "")
    reuse = int(raw) if raw.isdigit() else 0
    if reuse <= 0:
        return _generate()
    with _lock:
        if len(_pool) < reuse:
            _pool.append(_generate())
            return _pool[-1]
        return _pool[next(_turn) % len(_pool)]
