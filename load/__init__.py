"""Load generation against the fleet with Locust: one locustfile per twin, one combining them.

Run from the repository root (`locust -f load/locustfile.py ...`, or `make load`); see README.md.
Nothing here imports `services.*`: a load generator only needs the fleet's URLs and credentials.
Importing the locustfiles imports Locust, which monkey-patches the process with gevent: tests
run them in subprocesses only.
"""
