# DTU developer entry points. Each target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install chromium up test lint fmt conformance bench test-postgres clean scenarios load

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Debian's chromium for the browser tests (conformance/browser), installed with apt-get when missing.
chromium:
	bash scripts/ensure-chromium.sh

## Start the fleet in the foreground (Ctrl-C stops it), with the inspector on :4100 and the web UIs'
## one-click development sign-in (local, loopback only). `make up UP_ARGS=` signs in the vendors' ways only.
UP_ARGS ?= --dev-sign-in
up: install
	$(BIN)/dtu up $(UP_ARGS)

## The whole test suite (unit, in-process and conformance through the official SDKs).
test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Conformance only: official SDKs and vendor specs against running twins.
conformance: install chromium
	$(BIN)/python -m pytest conformance $(PYTEST_ARGS)

## The suite again, with every twin's state in a throwaway PostgreSQL server.
test-postgres: install chromium
	bash scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check services conformance harness bench examples load
	$(BIN)/ruff format --check services conformance harness bench examples load
	$(BIN)/mypy services harness bench examples load

fmt: install
	$(BIN)/ruff format services conformance harness bench examples load
	$(BIN)/ruff check --fix services conformance harness bench examples load

## Throughput and latency against a bare Starlette baseline measured in the same run.
bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.scenarios
	$(BIN)/python -m bench.ui

## The bundled scenario suite (scenarios/) against a fleet started for the run; prints `satisfaction: ...`.
SCENARIO_ARGS ?=
scenarios: install
	$(BIN)/dtu scenario run scenarios --start --report-dir build/scenarios $(SCENARIO_ARGS)

## Bounded load on a fleet started for the run (loopback, in memory): Locust's tables, then
## throughput, p50/p95/p99 and error rate per twin. Override the bounds: make load LOAD_ARGS="-u 50 -r 25 -t 2m"
LOAD_ARGS ?= -u 20 -r 10 -t 30s
load: install
	$(BIN)/python -m load.run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
