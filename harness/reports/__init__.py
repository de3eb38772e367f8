"""Reports of a suite run: the terminal (console), JSON, JUnit XML and HTML."""
