"""Web API methods of the conversations family (being built)."""
