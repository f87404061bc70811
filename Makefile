# SmartBorder — two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run run-binational test lint typecheck unit browser newman bench clean interop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

# Reference sets read in place (never copied) when the shared folder is beside the project:
# JSON-LD contexts, the Traceability Vocabulary, the HS 2022 nomenclature, and the BTS and
# Border Wait Times data the demo imports for the dashboard.
SHARED ?= ../shared
ifneq ($(wildcard $(SHARED)/conformance/contexts),)
run: export SMARTBORDER_CONTEXTS_DIR ?= $(abspath $(SHARED)/conformance)
run: export SMARTBORDER_TRACEABILITY_VOCAB_DIR ?= $(abspath $(SHARED)/conformance/traceability-vocab)
run: export SMARTBORDER_HS_FILE ?= $(abspath $(SHARED)/data/hs/harmonized-system.csv)
run: export SMARTBORDER_DEMO_DATA_DIR ?= $(abspath $(SHARED)/data)
endif

# The main job: the API, the landing page and a day of demo traffic on the embedded SQLite store.
run: $(STAMP)
	$(BIN)/smartborder serve --demo

# Two sovereign nodes on this machine: CBP's on :8000, ANAM's on :8001 (docs/binational.md).
run-binational: $(STAMP)
	$(BIN)/python -m smartborder.demo.binational

# Debian's Chromium for the dashboard's end-to-end test (we run as root on this machine kind);
# where apt cannot run, the e2e tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install Debian's chromium; browser tests will skip"; }

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP) browser newman
	$(BIN)/pytest -n 2 -q

test: lint typecheck unit

# The W3C CCG Traceability Interop conformance suite (Postman) run by newman against a fresh
# node over TLS on 127.0.0.1; newman from the npm registry, pinned, in a project-local folder.
NEWMAN_VERSION := 6.2.2
INTEROP := .interop
NEWMAN := $(INTEROP)/node_modules/.bin/newman

$(NEWMAN):
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for make interop (apt-get install npm)"; exit 1; }
	npm install --prefix $(INTEROP) --no-audit --no-fund --silent newman@$(NEWMAN_VERSION)

# For `make test` newman is best effort, as the browser is: without npm or its registry the
# conformance-suite test skips and says why (it adds ~35 s of one test worker when it runs).
newman:
	@test -x $(NEWMAN) || npm install --prefix $(INTEROP) --no-audit --no-fund --silent newman@$(NEWMAN_VERSION) \
	  || echo "warning: could not install newman; the Traceability Interop suite test will skip"

interop: $(STAMP) $(NEWMAN)
	$(BIN)/python tools/interop/run_traceability.py --shared $(SHARED) --newman $(NEWMAN) --failures

bench: $(DEV_STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .smartborder .pytest_cache .mypy_cache .ruff_cache $(INTEROP)
