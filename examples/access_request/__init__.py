"""An access-request service: Jira tickets grant and revoke access in Okta, Google Drive and Slack.

Run it as `python -m examples.access_request` with the `DTU_*` variables `dtu env` prints
(see README.md).
"""
