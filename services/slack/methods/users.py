"""Web API methods of the users family (being built)."""
