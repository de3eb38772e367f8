"""Jira domain logic: state changes and rules, no HTTP."""
