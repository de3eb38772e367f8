"""Okta's OpenID Connect / OAuth 2.0 authorization servers (the org server and custom servers), on authlib."""
