"""Example systems under test that run against the DTU twins (see each package's README)."""
