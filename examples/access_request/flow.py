"""Grant on approval, revoke on Done: the steps in each system, each done once per transition."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from jira import JIRA
from okta.client import Client as OktaClient
from slack_sdk import WebClient

from examples.access_request import drive_side, jira_side, okta_side, slack_side
from examples.access_request.config import Resource, Settings
from examples.access_request.drive_side import Drive
from examples.access_request.events import Job
from examples.access_request.ledger import JobRecord

log = logging.getLogger("access_request.flow")

CLASSIFIERS = (jira_side.classify, okta_side.classify, drive_side.classify, slack_side.classify)
NOT_FOUND = (okta_side.NotFound, drive_side.NotFound, slack_side.NotFound)


class RetryLater(Exception):
    """A step still failed after its call-level retries; the whole job is tried again later."""


def is_transient(exc: BaseException) -> bool:
    return any(classify(exc) is not None for classify in CLASSIFIERS)


@dataclass
class Clients:
    settings: Settings
    jira: JIRA
    slack: WebClient
    drive: Drive


@dataclass
class Context:
    job: Job
    record: JobRecord
    resource: Resource
    email: str
    okta: OktaClient
    okta_user: str | None = None
    lines: list[str] = field(default_factory=list)


def marker(job: Job) -> str:
    return f"[access-request {job.action} {job.issue_id}/{job.changelog_id}]"


async def run(clients: Clients, job: Job, record: JobRecord) -> None:
    settings = clients.settings
    ticket = await asyncio.to_thread(jira_side.ticket, clients.jira, job.issue_id, settings.approved_status)
    record.issue_key = ticket.key
    if job.action == "revoke" and not ticket.was_approved:
        record.state, record.note = "skipped", "never approved: nothing to revoke"
        return
    resource = settings.catalogue.for_ticket(ticket.labels, ticket.summary)
    problem = (
        "the reporter's email is not visible"
        if not ticket.reporter_email
        else "no resource of the catalogue is named by a label or the summary"
        if resource is None
        else None
    )
    if problem or resource is None or not ticket.reporter_email:
        record.state, record.note = "skipped", problem or ""
        await _comment(clients, job, f"Access request service: cannot {job.action} access: {problem}.")
        return
    async with OktaClient(okta_side.client_config(settings)) as okta:
        context = Context(job, record, resource, ticket.reporter_email, okta)
        steps = grant_steps(clients, context) if job.action == "grant" else revoke_steps(clients, context)
        for name, step in steps:
            await _once(context, name, step)
    verb = "granted" if job.action == "grant" else "revoked"
    summary = "; ".join(record.steps[name] for name, _ in steps if name != "jira")
    await _once(
        context,
        "jira",
        lambda: _comment(clients, job, f"Access {verb} for {ticket.reporter_email} to {resource.name}: {summary}."),
    )
    failed = [name for name, line in record.steps.items() if line.startswith("FAILED")]
    record.state = "failed" if failed else "done"


Step = tuple[str, Callable[[], Awaitable[str]]]


async def _once(context: Context, name: str, step: Callable[[], Awaitable[str | None]]) -> None:
    """Run a step unless an earlier attempt of this job finished it; a permanent failure is recorded, not retried."""
    if name in context.record.steps:
        return
    try:
        outcome = await step()
    except NOT_FOUND as exc:
        outcome = f"FAILED {name}: {exc}"
        log.error("%s: %s", context.job.key, outcome)
    except Exception as exc:
        if is_transient(exc):
            raise RetryLater(f"{name}: {exc}") from exc
        outcome = f"FAILED {name}: {exc}"
        log.exception("%s: step %s failed", context.job.key, name)
    context.record.steps[name] = outcome or "done"


async def _okta_user(context: Context) -> str:
    if context.okta_user is None:
        context.okta_user = await okta_side.user_id(context.okta, context.email)
    return context.okta_user


def grant_steps(clients: Clients, c: Context) -> list[Step]:
    resource = c.resource
    steps: list[Step] = []
    if resource.okta_group:
        group_name = resource.okta_group

        async def okta_group() -> str:
            group = await okta_side.group_id(c.okta, group_name)
            await okta_side.add_member(c.okta, group, await _okta_user(c))
            return f"added to Okta group {group_name}"

        steps.append(("okta_group", okta_group))
    if resource.drive_folder:

        async def drive() -> str:
            await asyncio.to_thread(clients.drive.share, resource, c.email)
            return f'Drive folder "{resource.drive_folder}" shared ({resource.drive_role})'

        steps.append(("drive", drive))
    if resource.slack_channel:
        steps.append(("slack", lambda: _notify(clients, c, "granted")))
    return steps


def revoke_steps(clients: Clients, c: Context) -> list[Step]:
    resource = c.resource
    steps: list[Step] = []
    if resource.okta_group:
        group_name = resource.okta_group

        async def okta_group() -> str:
            group = await okta_side.group_id(c.okta, group_name)
            await okta_side.remove_member(c.okta, group, await _okta_user(c))
            return f"removed from Okta group {group_name}"

        steps.append(("okta_group", okta_group))

    async def sessions() -> str:
        await okta_side.end_sessions(c.okta, await _okta_user(c))
        return "Okta sessions and OAuth tokens revoked"

    steps.append(("okta_sessions", sessions))
    if resource.drive_folder:

        async def drive() -> str:
            removed = await asyncio.to_thread(clients.drive.unshare, resource, c.email)
            return f'Drive folder "{resource.drive_folder}" unshared ({removed} permission(s) removed)'

        steps.append(("drive", drive))
    if resource.slack_channel:
        steps.append(("slack", lambda: _notify(clients, c, "revoked")))
    return steps


async def _notify(clients: Clients, c: Context, verb: str) -> str:
    assert c.resource.slack_channel is not None
    web = clients.slack

    def send() -> str:
        channel = slack_side.channel_id(web, c.resource.slack_channel or "")
        who = slack_side.mention(web, c.email)
        issue = c.record.issue_key
        slack_side.notify(web, channel, f"Access to *{c.resource.name}* {verb} for {who} ({issue}).")
        return channel

    await asyncio.to_thread(send)
    return f"#{c.resource.slack_channel} notified"


async def _comment(clients: Clients, job: Job, text: str) -> str:
    def send() -> None:
        # Named as the project is called now: a key rename re-keys the issue, so read it again.
        now = jira_side.ticket(clients.jira, job.issue_id, clients.settings.approved_status)
        jira_side.comment(clients.jira, now.key, f"{text} (request {now.key}, project {now.project_key})", marker(job))

    await asyncio.to_thread(send)
    return "audit comment added"
