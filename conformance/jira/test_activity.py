"""Comments, watchers, issue links and worklogs through the `jira` library."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError


def new_issue(jira: JIRA, summary: str) -> Any:
    return jira.create_issue(project="DTU", summary=summary, issuetype={"name": "Task"})


def test_comments_lifecycle(jira: JIRA, project: dict[str, Any], dtu_jira: Any, http: httpx.Client) -> None:
    issue = new_issue(jira, "Talk")
    first = jira.add_comment(issue.key, "First words")
    assert first.body == "First words" and first.author.accountId == dtu_jira.account_id
    assert first.self.endswith(f"/rest/api/2/issue/{issue.id}/comment/{first.id}")
    for n in range(2, 5):
        jira.add_comment(issue, f"Comment {n}")
    assert [c.body for c in jira.comments(issue.key)] == ["First words", "Comment 2", "Comment 3", "Comment 4"]
    page = http.get(f"/rest/api/2/issue/{issue.key}/comment", params={"startAt": 1, "maxResults": 2}).json()
    assert page["total"] == 4 and page["startAt"] == 1 and page["maxResults"] == 2
    assert [c["body"] for c in page["comments"]] == ["Comment 2", "Comment 3"]
    assert next(c.body for c in jira.comments(issue.key, order_by="-created")) == "Comment 4"
    first.update(body="Edited")
    assert jira.comment(issue.key, first.id).body == "Edited"
    v3 = http.get(f"/rest/api/3/issue/{issue.key}/comment/{first.id}").json()["body"]
    assert v3["type"] == "doc" and v3["content"][0]["content"][0]["text"] == "Edited"
    first.delete()
    with pytest.raises(JIRAError) as caught:
        jira.comment(issue.key, first.id)
    assert caught.value.status_code == 404
    assert jira.issue(issue.key).fields.comment.total == 3


def test_empty_comment_refused(jira: JIRA, project: dict[str, Any]) -> None:
    issue = new_issue(jira, "Quiet")
    with pytest.raises(JIRAError) as caught:
        jira.add_comment(issue.key, "")
    assert caught.value.status_code == 400
    assert caught.value.text == "Comment body can not be empty!"


def test_watchers(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = new_issue(jira, "Watch")
    watchers = jira.watchers(issue.key)
    assert watchers.watchCount == 1 and watchers.watchers[0].accountId == dtu_jira.account_id
    jira.add_watcher(issue.key, dtu_jira.member_account_id)
    assert {w.accountId for w in jira.watchers(issue.key).watchers} == {dtu_jira.account_id, dtu_jira.member_account_id}
    jira.remove_watcher(issue.key, dtu_jira.account_id)
    after = jira.watchers(issue.key)
    assert after.watchCount == 1 and after.isWatching is False


def test_issue_links(jira: JIRA, project: dict[str, Any]) -> None:
    a, b = new_issue(jira, "Blocker"), new_issue(jira, "Blocked")
    response = jira.create_issue_link("Blocks", a.key, b.key)
    assert response.status_code == 201
    (on_a,) = jira.issue(a.key).fields.issuelinks
    assert on_a.type.name == "Blocks" and on_a.outwardIssue.key == b.key
    assert not hasattr(on_a, "inwardIssue")
    (on_b,) = jira.issue(b.key).fields.issuelinks
    assert on_b.inwardIssue.key == a.key
    link = jira.issue_link(on_a.id)
    assert link.inwardIssue.key == a.key and link.outwardIssue.key == b.key
    history = jira.issue(a.key, expand="changelog").changelog.histories[-1].items[0]
    assert history.field == "Link" and history.toString == f"This issue blocks {b.key}"
    jira.delete_issue_link(on_a.id)
    assert jira.issue(a.key).fields.issuelinks == []
    with pytest.raises(JIRAError) as caught:
        jira.create_issue_link("Nope", a.key, b.key)
    assert caught.value.status_code == 404


def test_worklogs(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = new_issue(jira, "Work")
    started = datetime.datetime(2025, 1, 2, 9, 30, tzinfo=datetime.UTC)
    log = jira.add_worklog(issue.key, timeSpent="1h 30m", comment="Did it", started=started)
    assert log.timeSpentSeconds == 5400 and log.timeSpent == "1h 30m"
    assert log.started == "2025-01-02T09:30:00.000+0000"
    assert log.comment == "Did it" and log.author.accountId == dtu_jira.account_id
    jira.add_worklog(issue.key, timeSpentSeconds="3600")
    logs = jira.worklogs(issue.key)
    assert [w.timeSpentSeconds for w in logs] == [5400, 3600]
    assert jira.worklog(issue.key, log.id).id == log.id
    fields = jira.issue(issue.key).fields
    assert fields.timespent == 9000 and fields.worklog.total == 2
    log.delete()
    assert [w.timeSpentSeconds for w in jira.worklogs(issue.key)] == [3600]
    with pytest.raises(JIRAError) as caught:
        jira.add_worklog(issue.key, timeSpent="lots")
    assert caught.value.status_code == 400 and caught.value.text == "Invalid time duration entered."
