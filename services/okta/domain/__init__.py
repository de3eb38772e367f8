"""Okta's rules and state changes, one module per resource family (no HTTP here)."""
