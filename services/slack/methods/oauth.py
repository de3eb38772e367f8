"""Web API methods of the oauth family (being built)."""
