"""The Drive part of the Google twin's `make bench`: files.create and a files.list query.

- files.create: `POST /drive/v3/files` with a small metadata body (as googleapiclient sends it).
- files.list: `GET /drive/v3/files?q=name contains 'report' and trashed = false` over SEEDED_FILES
  files seeded into the default domain (a third of them match), one page of 100.
Both run with the token bench/google.py obtains (the admin's refresh token: Drive scope included).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import httpx

SEEDED_FILES = 300
CREATE_BODY = '{"name": "bench file", "mimeType": "text/plain"}'
LIST_QUERY = "/drive/v3/files?" + urlencode(
    {"q": "name contains 'report' and trashed = false", "pageSize": "100", "fields": "nextPageToken,files(id,name)"},
    quote_via=quote,
)


def seed_files(base_url: str) -> None:
    """SEEDED_FILES files owned by the default domain's admin (every third named report-N)."""
    files = [
        {"name": f"report-{n}.txt" if n % 3 == 0 else f"notes-{n}.txt", "content": f"file {n}"}
        for n in range(SEEDED_FILES)
    ]
    with httpx.Client(base_url=base_url, timeout=120.0) as client:
        client.post("/_dtu/seed", json={"files": files}).raise_for_status()


def check_answers(base_url: str, token: str) -> None:
    """The listing the bench repeats must find the seeded reports."""
    reply = httpx.get(base_url + LIST_QUERY, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
    reply.raise_for_status()
    found = reply.json()["files"]
    if len(found) != SEEDED_FILES // 3 or not all(f["name"].startswith("report-") for f in found):
        raise RuntimeError(f"Drive files.list answered unexpectedly: {reply.text[:300]}")
