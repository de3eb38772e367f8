"""Service-account keys: RSA key pairs and the key file Google's console hands out.

The default tenant's key must be the same on every machine and every run (`dtu env` prints
it offline, before any twin has started), so it is *derived* from fixed names rather than
stored in the repository: a committed PEM private key trips secret scanners and looks like
a leaked credential, while a derivation is obviously test data. Derivation draws candidate
primes from a generator seeded with the names and tests them with Miller-Rabin; the key is
only ever used to sign JWTs a twin verifies. Other tenants get a fresh random key.
"""

from __future__ import annotations

import hashlib
import random
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.core.rsa_keys import tenant_private_key

PUBLIC_EXPONENT = 65537
KEY_BITS = 2048
_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _probably_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        # Top two bits set so that p*q has exactly 2*bits bits; odd.
        candidate = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        if (candidate - 1) % PUBLIC_EXPONENT != 0 and _probably_prime(candidate, rng):
            return candidate


@lru_cache(maxsize=8)
def derived_private_key(*names: str) -> rsa.RSAPrivateKey:
    """The same RSA key for the same names, on any machine (test data, not a secret)."""
    rng = random.Random(hashlib.sha256("\x1f".join(("dtu-rsa", *names)).encode()).digest())
    half = KEY_BITS // 2
    while True:
        p, q = _prime(rng, half), _prime(rng, half)
        if p != q:
            break
    p, q = max(p, q), min(p, q)
    phi = (p - 1) * (q - 1)
    d = pow(PUBLIC_EXPONENT, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q),
    )
    return numbers.private_key()


def random_private_key() -> rsa.RSAPrivateKey:
    # Fresh (2048 bits, e = 65537), unless DTU_TENANT_KEY_REUSE asks for reuse (scenario runs).
    return tenant_private_key()


def private_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM, the form of `private_key` in a Google key file."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
