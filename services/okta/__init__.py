"""The Okta twin: Management API (/api/v1) and OIDC/OAuth 2.0 authorization servers."""
