"""Shared machinery for every twin. Nothing in this package knows any vendor."""
