"""`make bench`: the Slack twin's throughput and latency against a bare Starlette baseline."""
