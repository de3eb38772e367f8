"""`python -m bench.ui` (part of `make bench`): the web UIs' pages against a bare Jinja2 page.

1. Start the fleet as a user would: `dtu up --dev-sign-in` with the default universe (300 people),
   every twin and the inspector on free ports, state in in-memory SQLite.
   The universe brings people, channels, projects and folders but no conversation and no issue:
   #general gets SEEDED_MESSAGES messages and project ENG SEEDED_ISSUES issues (control plane seed).
2. Sign in to each UI with the development sign-in over plain HTTP (the `/dev` form of the
   sign-in page), as someone who has data: the tenants' administrators, and a universe person
   who owns folders on Google Drive.
3. Time the main pages (and one action each for Slack and Okta) with ONE sequential client:
   warm-ups, then N requests; p50, p95 and requests/s. In the same run the baseline: a bare
   Starlette page rendering a Jinja2 template of similar size (bench/baseline_app.py, `/ui/page`).
4. The live streams' cost: CPU seconds of the fleet process over 20 s with one open Slack
   SSE stream, then with none (from /proc/<pid>/stat).

Prints a table and writes build/bench/ui.json. Timings never make this exit non-zero:
only a failure to set the run up does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from bench.__main__ import dtu_command, free_port, log, running, wait_ready

OUTPUT = Path("build/bench/ui.json")
TWINS = ("slack", "okta", "jira", "google")
SIGN_IN_PATHS = {"slack": "/signin", "okta": "/login/login.htm", "jira": "/login", "google": "/ServiceLogin"}
# Who signs in: the built-in administrators see every console page; on Drive the universe's
# `alice` owns shared folders (the Workspace admin's My Drive is empty).
SIGN_IN_AS = {
    "slack": "admin@example.com",
    "okta": "admin@example.com",
    "jira": "admin@example.com",
    "google": "alice@acme.test",
}
SLOW_P50_MS = 200.0
SEEDED_MESSAGES = 100
SEEDED_ISSUES = 60
AUTHORS = ("morgan", "grace", "bob", "alice", "frank", "carol")
# One form of the sign-in page's people list: <form ... action="…/dev"> … data-email="…" … </form>.
DEV_FORM = re.compile(r'<form method="post" action="([^"]*/dev)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')

Request = Callable[[], httpx.Response]


@dataclass
class Timing:
    page: str
    path: str
    p50_ms: float
    p95_ms: float
    rps: float
    bytes: int
    ratio: float = 0.0  # baseline p50 / this p50 (1.0: as fast as a bare Jinja2 page)


@dataclass
class Fleet:
    urls: dict[str, str]
    inspector: str
    pid: int


def seed_activity(urls: dict[str, str]) -> None:
    """Messages in #general and issues in ENG, so the pages show what a used workspace shows."""
    messages = [
        {"channel": "general", "user": AUTHORS[n % len(AUTHORS)], "text": f"Update {n}: the *release* train is on time"}
        for n in range(SEEDED_MESSAGES)
    ]
    statuses = ("To Do", "In Progress", "Done")
    issues = [
        {"project": "ENG", "summary": f"Engineering task {n}", "type": "Task", "status": statuses[n % 3]}
        for n in range(SEEDED_ISSUES)
    ]
    for twin, document in (("slack", {"messages": messages}), ("jira", {"issues": issues})):
        httpx.post(f"{urls[twin]}/_dtu/seed", json=document, timeout=120.0).raise_for_status()


def sign_in(url: str, twin: str, email: str) -> httpx.Client:
    """A client holding `email`'s UI session cookie, after the one-click development sign-in."""
    client = httpx.Client(base_url=url, timeout=60.0, follow_redirects=True)
    # The server-side search (?q=) finds anyone even where the page lists only the first people.
    page = client.get(SIGN_IN_PATHS[twin], params={"q": email})
    page.raise_for_status()
    for action, body in DEV_FORM.findall(page.text):
        if f'data-email="{email}"' in body:
            answer = client.post(action, data=dict(HIDDEN.findall(body)), headers={"Origin": url})
            answer.raise_for_status()
            if SIGN_IN_PATHS[twin] in str(answer.url):
                raise RuntimeError(f"{twin}: the development sign-in as {email} stayed on the sign-in page")
            return client
    raise RuntimeError(f"{twin}: {email} is not offered by the development sign-in at {url}")


def time_requests(page: str, path: str, send: Request, count: int, warmups: int) -> Timing:
    """`count` sequential requests after `warmups`; each must answer 2xx (after redirects)."""
    size = 0
    for _ in range(warmups):
        size = len(_checked(page, send()).content)
    durations = []
    started = time.perf_counter()
    for _ in range(count):
        began = time.perf_counter()
        _checked(page, send())
        durations.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - started
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Timing(page, path, statistics.median(durations) * 1000, p95 * 1000, count / elapsed, size)


def _checked(page: str, response: httpx.Response) -> httpx.Response:
    if not response.is_success:
        raise RuntimeError(f"{page}: {response.request.url} answered {response.status_code}")
    return response


def _link(html: str, pattern: str, what: str) -> str:
    found = re.search(pattern, html)
    if found is None:
        raise RuntimeError(f"no {what} on the page")
    return found.group(1)


def slack_pages(client: httpx.Client, url: str) -> list[tuple[str, str, Request]]:
    home = client.get("/client")
    home.raise_for_status()
    general = _link(
        home.text,
        r'href="(/client/[^"/]+/[^"/]+)"[^>]*>\s*<span class="sigil">#</span>\s*'
        r'<span class="label">general</span>',
        "#general",
    )
    members = client.get("/signin", params={"q": "morgan@acme.test"}).text
    morgan = _link(members, r'name="user" value="(\w+)">\s*<button[^>]*data-email="morgan@acme.test"', "morgan")
    profile = f"{general}/user_profile/{morgan}"
    origin = {"Origin": url}
    count = iter(range(1_000_000))

    def post() -> httpx.Response:
        # The composer's form as the browser sends it; the 303 lands back on the channel page.
        return client.post(f"{general}/post", data={"text": f"bench {next(count)}"}, headers=origin)

    return [
        ("slack #general (all members)", general, lambda: client.get(general)),
        ("slack user profile", profile, lambda: client.get(profile)),
        ("slack post message (+ redirect)", f"{general}/post", post),
    ]


def okta_pages(client: httpx.Client, url: str, token: str) -> list[tuple[str, str, Request]]:
    api = {"Authorization": f"SSWS {token}", "Accept": "application/json"}
    users = client.get("/api/v1/users", params={"search": 'profile.login eq "morgan@acme.test"'}, headers=api)
    user = users.json()[0]["id"]
    group = client.get("/api/v1/groups", params={"q": "sre"}, headers=api).json()[0]["id"]
    member = client.get("/api/v1/users", params={"search": 'profile.login eq "dave@acme.test"'}, headers=api)
    dave = member.json()[0]["id"]
    origin = {"Origin": url}

    def add_then_remove() -> httpx.Response:
        added = _checked(
            "okta add member", client.post(f"/admin/group/{group}/members", data={"user": dave}, headers=origin)
        )
        if "error" in added.url.query.decode():
            raise RuntimeError(f"okta add member: {added.url}")
        return client.post(f"/admin/group/{group}/members/{dave}/remove", headers=origin)

    profile = f"/admin/user/profile/view/{user}"
    return [
        ("okta /admin/users", "/admin/users", lambda: client.get("/admin/users")),
        ("okta user page", profile, lambda: client.get(profile)),
        ("okta system log", "/report/system_log_2", lambda: client.get("/report/system_log_2")),
        ("okta /app/UserHome", "/app/UserHome", lambda: client.get("/app/UserHome")),
        ("okta add+remove group member (4 req)", f"/admin/group/{group}/members", add_then_remove),
    ]


def jira_pages(client: httpx.Client) -> list[tuple[str, str, Request]]:
    projects = client.get("/jira/projects")
    projects.raise_for_status()
    board = _link(projects.text, r'href="(/jira/software/projects/ENG/board)"', "ENG board")
    issue = _link(client.get(board).text, r'href="(/browse/[A-Z]+-\d+)"', "issue on the board")
    return [
        ("jira /jira/projects", "/jira/projects", lambda: client.get("/jira/projects")),
        ("jira board (ENG)", board, lambda: client.get(board)),
        ("jira issue", issue, lambda: client.get(issue)),
    ]


def google_pages(client: httpx.Client) -> list[tuple[str, str, Request]]:
    mine = client.get("/drive/my-drive")
    mine.raise_for_status()
    folder = _link(mine.text, r'href="(/drive/folders/[^"]+)"', "folder in My Drive")
    return [
        ("google /drive/my-drive", "/drive/my-drive", lambda: client.get("/drive/my-drive")),
        ("google folder", folder, lambda: client.get(folder)),
    ]


def inspector_pages(client: httpx.Client) -> list[tuple[str, str, Request]]:
    return [
        ("inspector overview", "/", lambda: client.get("/")),
        ("inspector journal", "/journal", lambda: client.get("/journal")),
    ]


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (fields 14 and 15 of /proc/<pid>/stat, in clock ticks)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": fields from 3 on
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stream_cost(pid: int, client: httpx.Client, live: str | None, seconds: float) -> tuple[float, int]:
    """CPU seconds the fleet spends over `seconds` with one open SSE stream at `live` (None: no stream),
    and the bytes the stream sent (its keep-alives prove it stayed open)."""
    stop = threading.Event()
    received = [0]
    failures: list[str] = []

    def listen() -> None:
        assert live is not None
        while not stop.is_set():  # the server ends a stream after its lifetime; a browser reconnects
            try:
                with client.stream("GET", live, timeout=httpx.Timeout(5.0, read=30.0)) as response:
                    if response.status_code != 200 or "text/event-stream" not in response.headers.get(
                        "content-type", ""
                    ):
                        failures.append(
                            f"{live} answered {response.status_code} {response.headers.get('content-type')}"
                        )
                        return
                    for chunk in response.iter_bytes():
                        received[0] += len(chunk)
                        if stop.is_set():
                            return
            except httpx.HTTPError as exc:
                if stop.is_set():
                    return
                failures.append(f"{live}: {exc}")
                return

    listener = threading.Thread(target=listen, daemon=True) if live else None
    if listener is not None:
        listener.start()
        time.sleep(1.0)  # the stream is open and has sent its first poll
    before = cpu_seconds(pid)
    time.sleep(seconds)
    used = cpu_seconds(pid) - before
    stop.set()
    if failures:
        raise RuntimeError(f"the live stream failed: {failures[0]}")
    return used, received[0]


def baseline_timing(data_dir: Path, env: dict[str, str], count: int, warmups: int) -> Timing:
    port = free_port()
    command = [sys.executable, "-m", "bench.baseline_app", "--port", str(port)]
    with running(command, env, data_dir / "baseline.log") as baseline:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url + "/ready", baseline)
        with httpx.Client(base_url=url, timeout=30.0) as client:
            return time_requests(
                "baseline (Starlette + Jinja2)", "/ui/page", lambda: client.get("/ui/page"), count, warmups
            )


def start_fleet(data_dir: Path, env: dict[str, str]) -> tuple[list[str], Fleet]:
    ports = {twin: free_port() for twin in TWINS}
    inspector = free_port()
    command = [*dtu_command(), "up", "--dev-sign-in", "--inspector-port", str(inspector)]
    for twin, port in ports.items():
        command += ["--port", f"{twin}={port}"]
    urls = {twin: f"http://127.0.0.1:{port}" for twin, port in ports.items()}
    return command, Fleet(urls, f"http://127.0.0.1:{inspector}", 0)


def run(args: argparse.Namespace) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "DTU_DATABASE_URL"}  # the default deployment: SQLite
    with tempfile.TemporaryDirectory(prefix="dtu-bench-ui-") as directory:
        data_dir = Path(directory)
        baseline = baseline_timing(data_dir, env, args.requests, args.warmups)
        baseline.ratio = 1.0
        log(f"  measured {baseline.page}: p50 {baseline.p50_ms:.1f} ms ({baseline.bytes} bytes)")
        command, fleet = start_fleet(data_dir, env)
        started = time.perf_counter()
        with running(command, env, data_dir / "fleet.log") as process:
            for url in fleet.urls.values():
                wait_ready(f"{url}/_dtu/ready", process, timeout=60.0)
            wait_ready(fleet.inspector + "/", process, timeout=30.0)
            log(f"fleet (dtu up --dev-sign-in, 300 people) ready in {time.perf_counter() - started:.1f} s")
            fleet.pid = process.pid
            seed_activity(fleet.urls)
            clients = {twin: sign_in(fleet.urls[twin], twin, SIGN_IN_AS[twin]) for twin in TWINS}
            token = httpx.get(f"{fleet.urls['okta']}/_dtu/tenants/default").json()["credentials"]["api_token"]
            inspector = httpx.Client(base_url=fleet.inspector, timeout=60.0)
            plan = [
                *slack_pages(clients["slack"], fleet.urls["slack"]),
                *okta_pages(clients["okta"], fleet.urls["okta"], token),
                *jira_pages(clients["jira"]),
                *google_pages(clients["google"]),
                *inspector_pages(inspector),
            ]
            timings = []
            for page, path, send in plan:
                timing = time_requests(page, path, send, args.requests, args.warmups)
                timing.ratio = baseline.p50_ms / timing.p50_ms if timing.p50_ms else 0.0
                timings.append(timing)
                log(f"  measured {page}: p50 {timing.p50_ms:.1f} ms")
            general = plan[0][1]
            newest = f"{time.time():.6f}"
            live = f"{general}/live?after={newest}&since={newest}"
            idle, _ = stream_cost(process.pid, clients["slack"], None, args.stream_seconds)
            streaming, streamed = stream_cost(process.pid, clients["slack"], live, args.stream_seconds)
            if process.poll() is not None:
                raise RuntimeError("the fleet exited during the run")
    return {
        "requests": args.requests,
        "warmups": args.warmups,
        "baseline": asdict(baseline),
        "pages": [asdict(t) for t in timings],
        "stream": {
            "seconds": args.stream_seconds,
            "cpu_idle_s": idle,
            "cpu_one_slack_stream_s": streaming,
            "stream_bytes": streamed,
        },
    }


def report(result: dict[str, object]) -> None:
    baseline = result["baseline"]
    pages = result["pages"]
    stream = result["stream"]
    assert isinstance(baseline, dict) and isinstance(pages, list) and isinstance(stream, dict)
    log("")
    log(f"One sequential client, {result['requests']} requests per page after {result['warmups']} warm-ups;")
    log("ratio = baseline p50 / page p50 (baseline: bare Starlette rendering a Jinja2 page of similar size).")
    header = f"{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'KB':>6} {'vs base':>8}"
    log(header)
    log("-" * len(header))
    for row in [{**baseline, "ratio": 1.0}, *pages]:
        slow = "  SLOW" if row["p50_ms"] > SLOW_P50_MS else ""
        log(
            f"{row['page']:<38} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['rps']:>7.1f} "
            f"{row['bytes'] / 1024:>6.1f} {row['ratio']:>8.0%}{slow}"
        )
    log("")
    extra = stream["cpu_one_slack_stream_s"] - stream["cpu_idle_s"]
    log(
        f"Live stream cost over {stream['seconds']:g} s: fleet CPU {stream['cpu_idle_s']:.2f} s idle, "
        f"{stream['cpu_one_slack_stream_s']:.2f} s with one open Slack channel stream "
        f"(+{extra / stream['seconds']:.1%} of one core per open stream; it sent {stream['stream_bytes']} bytes)"
    )
    log("Timings are informational: this command never fails on them.")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests before (default 3)")
    parser.add_argument("--stream-seconds", type=float, default=20.0, help="CPU sampling window (default 20)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"JSON results (default {OUTPUT})")
    args = parser.parse_args()
    result = run(args)
    report(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    log(f"Results: {args.output}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, httpx.HTTPError, OSError, KeyError, IndexError, ValueError) as exc:
        print(f"bench.ui: could not run: {exc}", file=sys.stderr)
        sys.exit(1)
