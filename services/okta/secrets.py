"""Hashing of stored credentials: tokens by SHA-256, passwords by PBKDF2."""

from __future__ import annotations

import hashlib
import hmac
import os

PBKDF2_ROUNDS = 1000  # low on purpose: a twin, not a vault; sign-in benchmarks stay fast


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def hash_password(password: str) -> str:
    salt = os.urandom(8).hex()
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt.encode(), PBKDF2_ROUNDS)
    return f"pbkdf2${salt}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("pbkdf2$"):
        return False
    _, salt, expected = stored.split("$", 2)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt.encode(), PBKDF2_ROUNDS)
    return hmac.compare_digest(digest.hex(), expected)
