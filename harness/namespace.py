"""The names a scenario's `do:` and `that:` expressions see, bound to one trajectory's tenant.

Clients are built on first use (a scenario that never touches Jira never pays for a JIRA()).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from harness.fleet import Fleet
from harness.okta_facade import OktaFacade
from harness.records import record

GOOGLE_SCOPES = [
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/documents",
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/admin.directory.user",
    "https://www.googleapis.com/auth/admin.directory.group",
]


class Lazy:
    """Stands for an object built on first attribute access (thread-safe)."""

    def __init__(self, name: str, factory: Callable[[], Any]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_value", None)

    def _resolve(self) -> Any:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    object.__setattr__(self, "_value", self._factory())
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._name} (built on first use)>"


class TwinHttp:
    """`http.okta.get("/api/v1/users")`: httpx clients per twin, authenticated as the tenant's admin."""

    def __init__(self, clients: dict[str, Callable[[], httpx.Client]]) -> None:
        self._clients = {name: Lazy(f"http.{name}", factory) for name, factory in clients.items()}

    def __getattr__(self, twin: str) -> Any:
        try:
            return self._clients[twin]
        except KeyError:
            raise AttributeError(f"no twin {twin!r} in this fleet (have {sorted(self._clients)})") from None

    def __getitem__(self, twin: str) -> Any:
        return self.__getattr__(twin)


class LiveJournal:
    """`journal`: the trajectory's fleet-wide journal, fetched afresh on every use."""

    def __init__(self, fetch: Callable[[], list[dict[str, Any]]]) -> None:
        self._fetch = fetch

    def entries(self) -> list[Any]:
        entries: list[Any] = record(self._fetch())
        return entries

    def __iter__(self) -> Iterator[Any]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self.entries())

    def __getitem__(self, index: int) -> Any:
        return self.entries()[index]

    def where(self, **fields: Any) -> list[Any]:
        """Entries whose fields equal the given values, e.g. journal.where(twin="okta", status=200)."""
        return [e for e in self.entries() if all(e.get(k) == v for k, v in fields.items())]


class Clients:
    """Factories of the official SDK clients for one tenant; `close()` releases what was built."""

    def __init__(self, credentials: dict[str, dict[str, Any]], http_client: httpx.Client, verify: Any = True) -> None:
        self.credentials = credentials
        self.http_client = http_client
        self.verify = verify
        self._opened: list[Any] = []
        self._google_tokens: dict[str, Any] = {}
        self._cache: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def cached(self, key: tuple[str, ...], factory: Callable[[], Any]) -> Any:
        """One client per key for the whole trajectory (expressions and `as:` variants share them)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = factory()
            return self._cache[key]

    def close(self) -> None:
        for thing in self._opened:
            close = getattr(thing, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):  # best effort: the trajectory is over
                    close()
        self._opened.clear()

    def _open(self, thing: Any) -> Any:
        self._opened.append(thing)
        return thing

    def slack(self, token_key: str = "bot_token") -> Any:
        from slack_sdk import WebClient

        creds = self.credentials["slack"]
        return WebClient(token=creds[token_key], base_url=creds["url"])

    def jira(self) -> Any:
        from jira import JIRA

        creds = self.credentials["jira"]
        client = JIRA(server=creds["url"], basic_auth=(creds["email"], creds["api_token"]), get_server_info=False)
        return self._open(client)

    def okta(self) -> OktaFacade:
        creds = self.credentials["okta"]
        return OktaFacade(creds["org_url"], creds["api_token"], self.http_client)

    def google_credentials(self, subject: str | None = None) -> Any:
        from google.oauth2 import service_account

        creds = self.credentials["google"]
        info = creds["service_account"]
        base = service_account.Credentials.from_service_account_info(info, scopes=GOOGLE_SCOPES)
        # Always with a subject: a tenant admin (or `as:` person) through domain-wide delegation.
        return base.with_subject(subject or creds["admin_email"])

    def google(self, api: str, version: str, subject: str | None = None) -> Any:
        from googleapiclient.discovery import build

        creds = self.credentials["google"]
        service = build(
            api,
            version,
            credentials=self.google_credentials(subject),
            discoveryServiceUrl=creds["discovery_url"],
            static_discovery=False,
            cache_discovery=False,
        )
        return self._open(service)

    def google_token(self, subject: str | None = None) -> str:
        from google.auth.transport.requests import Request

        key = subject or ""
        credentials = self._google_tokens.get(key)
        if credentials is None or not credentials.valid:
            credentials = self.google_credentials(subject)
            credentials.refresh(Request())
            self._google_tokens[key] = credentials
        return str(credentials.token)

    def http(self, twin: str) -> httpx.Client:
        creds = self.credentials[twin]
        if twin == "okta":
            base, headers = creds["org_url"], {"Authorization": f"SSWS {creds['api_token']}"}
            auth: Any = None
        elif twin == "slack":
            base, headers, auth = (
                creds["url"].removesuffix("/api/"),
                {"Authorization": f"Bearer {creds['bot_token']}"},
                None,
            )
        elif twin == "jira":
            base, headers, auth = creds["url"], {}, (creds["email"], creds["api_token"])
        else:
            base, headers, auth = creds["url"], {"Authorization": f"Bearer {self.google_token()}"}, None
        headers["Accept"] = "application/json"
        client = httpx.Client(base_url=base, headers=headers, auth=auth, timeout=30.0, verify=self.verify)
        return self._open(client)


def error_of(action: Callable[[], Any]) -> BaseException | None:
    """`error_of(lambda: drive.files().get(fileId=f).execute())`: the exception the call raises, or None.

    Expressions cannot hold try/except; this lets an expectation say what failure is expected
    (`error_of(...).status_code == 404`, `error_of(...).response["error"] == "user_not_found"`).
    """
    try:
        action()
    except Exception as exc:
        return exc
    return None


def build_namespace(
    clients: Clients,
    fleet: Fleet,
    tenant: str,
    people: dict[str, Any],
    saved: dict[str, Any],
    journal: LiveJournal,
    extra: dict[str, Any],
    as_person: Any = None,
) -> dict[str, Any]:
    """The globals of an expression. `as_person` rebinds `me` and the Google clients to that person."""
    subject = getattr(as_person, "email", None)
    twins = set(clients.credentials)
    # People first: a person whose handle is also a client's name stays reachable as people["okta"].
    namespace: dict[str, Any] = {
        **people,
        "json": json,
        "re": re,
        "time": time,
        "httpx": httpx,
        "record": record,
        "error_of": error_of,
    }
    if "slack" in twins:
        namespace["slack"] = Lazy("slack", lambda: clients.cached(("slack",), clients.slack))
        namespace["slack_user"] = Lazy(
            "slack_user", lambda: clients.cached(("slack_user",), lambda: clients.slack("user_token"))
        )
    if "jira" in twins:
        namespace["jira"] = Lazy("jira", lambda: clients.cached(("jira",), clients.jira))
    if "okta" in twins:
        namespace["okta"] = Lazy("okta", lambda: clients.cached(("okta",), clients.okta))
    if "google" in twins:
        for name, api, version in (
            ("drive", "drive", "v3"),
            ("docs", "docs", "v1"),
            ("sheets", "sheets", "v4"),
            ("directory", "admin", "directory_v1"),
        ):
            build = functools.partial(clients.google, api, version, subject)
            namespace[name] = Lazy(name, functools.partial(clients.cached, (api, version, subject or ""), build))
    namespace["http"] = TwinHttp(
        {t: functools.partial(clients.cached, ("http", t), functools.partial(clients.http, t)) for t in twins}
    )
    namespace["journal"] = journal
    namespace["tenant"] = tenant
    namespace["credentials"] = clients.credentials
    namespace["urls"] = dict(fleet.urls)
    namespace["people"] = people
    namespace.update(extra)
    namespace.update(saved)
    namespace["me"] = as_person
    return namespace
