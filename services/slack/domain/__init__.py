"""Slack's domain operations: no HTTP, raise SlackError, return model rows."""
