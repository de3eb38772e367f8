"""Web API methods of the files family (being built)."""
