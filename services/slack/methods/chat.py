"""Web API methods of the chat family (being built)."""
