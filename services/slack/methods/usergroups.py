"""Web API methods of the usergroups family (being built)."""
