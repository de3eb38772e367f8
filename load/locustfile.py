"""The whole fleet under load at once: Slack, Okta, Jira and Google users side by side.

Users are shared out by each class's `weight` (Slack 3, Okta 2, Jira 2, Google 2): with -u 20,
about 7 Slack bots and 4-5 of each of the others. Pick classes by name to narrow a run
(`locust -f load/locustfile.py SlackUser JiraUser`). See README.md for credentials and
distributed runs.

    locust -f load/locustfile.py --headless -u 20 -r 10 -t 30s
"""

from __future__ import annotations

from load.locustfile_google import GoogleUser
from load.locustfile_jira import JiraUser
from load.locustfile_okta import OktaUser
from load.locustfile_slack import SlackUser

__all__ = ["GoogleUser", "JiraUser", "OktaUser", "SlackUser"]
