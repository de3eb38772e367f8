"""Google Docs API v1: a document body as Docs indexes it, its edits, its renderings."""
