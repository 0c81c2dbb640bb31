# sanzhi: `make run` and `make test` set everything up when needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the platform binary itself: the npm package's bin.mjs wrapper loses the exit status (scripts/forge-path)
FORGE = $(shell scripts/forge-path)
SOLC = $(shell scripts/solc-path)
SOL_SOURCES := $(shell find contracts/src contracts/test -name '*.sol' 2>/dev/null)

.PHONY: setup run test test-contracts test-python test-besu fuzz lint format build brownie-check clean

setup: $(VENV)/.installed node_modules/.installed contracts/out/.built

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# setuptools' notice about editable installs is information, not a problem: keep the build quiet
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

contracts/out/.built: node_modules/.installed $(SOL_SOURCES) contracts/foundry.toml scripts/export_artifacts.py scripts/forge-path
	cd contracts && $(FORGE) build --use $(SOLC)
	$(PYTHON) scripts/export_artifacts.py
	touch $@

build: contracts/out/.built

# the node, the dev consortium, a demo seeded once, the index and the service with its portal
run: setup
	$(BIN)/sanzhi up

test: setup test-contracts test-python

test-contracts: setup
	cd contracts && $(FORGE) test --use $(SOLC)

# pytest-xdist workers, each a session of its own (node, IPFS node, PostgreSQL, browser);
# PYTEST_WORKERS=0 runs everything in one process. Tests go to whichever worker is free (--dist
# load: measured faster here than loadfile or worksteal).
PYTEST_WORKERS ?= 2
PYTEST_XDIST = -n $(PYTEST_WORKERS) --dist load

test-python: setup
	$(BIN)/pytest $(PYTEST_XDIST) --durations=25

# The tests marked `besu` again, on a node that behaves like Besu QBFT (gas price 0, one-second
# blocks, the contracts' fork); every test ran on the dev node in test-python. The index's
# PostgreSQL backend is left to test-python: what differs here is the node.
test-besu: setup
	SANZHI_TEST_NODE_PROFILE=besu $(BIN)/pytest -m "besu and not postgres" $(PYTEST_XDIST) --durations=10

# Schemathesis against the service's OpenAPI document: no 5xx, every response as documented.
fuzz: setup
	SANZHI_FUZZ=1 $(BIN)/pytest tests/api/test_fuzz.py -q $(PYTEST_XDIST) --durations=10

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd contracts && $(FORGE) fmt --check

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd contracts && $(FORGE) fmt

# brownie pins web3 7: it gets a venv of its own and compiles with our solc wrapper.
brownie-check: node_modules/.installed
	test -x .brownie-venv/bin/brownie || ($(PYTHON) -m venv .brownie-venv && .brownie-venv/bin/pip install --quiet eth-brownie)
	.brownie-venv/bin/python scripts/brownie_compile.py

clean:
	rm -rf contracts/out contracts/cache
