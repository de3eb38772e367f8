"""Web API methods of the admin family (being built)."""
