"""Web API methods of the pins family (being built)."""
