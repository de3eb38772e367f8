"""Deterministic ids: every derived value is a hash of (seed, kind, handle).

The same universe file therefore gives the same Okta id, Slack id, Jira accountId, Google id and
default password on every machine, every run, in every tenant, and ids never depend on the order
people are listed in (adding a person changes no one else's ids). Each id has its vendor's shape.
"""

from __future__ import annotations

import hashlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
UPPER_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
LOWER_HEX = "0123456789abcdef"


def _draw(seed: int, kind: str, handle: str, length: int, alphabet: str) -> str:
    """`length` characters of `alphabet` from the hash of (seed, kind, handle)."""
    number = int.from_bytes(hashlib.sha256(f"dtu-universe:{seed}:{kind}:{handle}".encode()).digest() * 2, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def okta_user_id(seed: int, handle: str) -> str:
    """`00u` + 17 base62, as Okta's user ids."""
    return "00u" + _draw(seed, "okta-user", handle, 17, BASE62)


def okta_group_id(seed: int, handle: str) -> str:
    return "00g" + _draw(seed, "okta-group", handle, 17, BASE62)


def okta_app_id(seed: int, handle: str) -> str:
    return "0oa" + _draw(seed, "okta-app", handle, 17, BASE62)


def slack_user_id(seed: int, handle: str) -> str:
    """`U` + 10 upper-case alphanumerics, as Slack's user ids."""
    return "U" + _draw(seed, "slack-user", handle, 10, UPPER_ALNUM)


def slack_channel_id(seed: int, name: str, private: bool) -> str:
    return ("G" if private else "C") + _draw(seed, "slack-channel", name, 10, UPPER_ALNUM)


def jira_account_id(seed: int, handle: str) -> str:
    """24 lower-case hex digits, as Atlassian accountIds of Cloud users."""
    return _draw(seed, "jira-account", handle, 24, LOWER_HEX)


def google_user_id(seed: int, handle: str) -> str:
    """21 digits not starting with 0, as Google Directory user ids."""
    tail = _draw(seed, "google-user", handle, 21, DIGITS)
    return str(int(tail[0]) % 9 + 1) + tail[1:]


def password(seed: int, handle: str, username: str) -> str:
    """A password Okta's default policy accepts (upper, lower, digit, not containing the username)."""
    attempt = 0
    while True:
        candidate = "Dtu-" + _draw(seed, f"password{attempt or ''}", handle, 10, BASE62) + "-7a"
        if len(username) < 3 or username.lower() not in candidate.lower():
            return candidate
        attempt += 1
