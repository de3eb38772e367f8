"""JQL: a parser (`parser.parse`) and an evaluator over the site's issues (`evaluate.search`)."""
