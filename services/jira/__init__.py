"""The Jira Cloud twin (REST API v2 and v3, as the `jira` library and Atlassian's docs use it)."""
