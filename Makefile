# DTU developer entry points. Each target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install up test lint fmt conformance bench test-postgres clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the fleet in the foreground (Ctrl-C stops it).
up: install
	$(BIN)/dtu up

## The whole test suite (unit, in-process and conformance through the official SDKs).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Conformance only: official SDKs and vendor specs against running twins.
conformance: install
	$(BIN)/python -m pytest conformance $(PYTEST_ARGS)

## The suite again, with every twin's state in a throwaway PostgreSQL server.
test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check services conformance
	$(BIN)/ruff format --check services conformance
	$(BIN)/mypy services

fmt: install
	$(BIN)/ruff format services conformance
	$(BIN)/ruff check --fix services conformance

## Throughput and latency against a bare Starlette baseline measured in the same run.
bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
