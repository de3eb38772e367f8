"""Web API methods of the reactions family (being built)."""
