"""Unit tests of the core machinery (some drive the Slack twin in-process as a real twin)."""
