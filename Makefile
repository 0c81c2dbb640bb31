# sanzhi: `make run` and `make test` set everything up when needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the platform binary itself: the npm package's bin.mjs wrapper loses the exit status (scripts/forge-path)
FORGE = $(shell scripts/forge-path)
SOLC = $(shell scripts/solc-path)

STEP := scripts/step
LOGS := build/setup

.PHONY: setup build check-artifacts analyze run test test-contracts test-python test-besu fuzz fuzz-deep lint format brownie-check clean soak soak-ci

# What `make run` and `make test` need: the Python and the Node packages, installed side by side
# with a line of progress every few seconds (scripts/step; the whole output goes to build/setup/).
# The contracts' compiled artifacts ship in ledger/chain/compiled: nothing is compiled here.
setup:
	@$(MAKE) --no-print-directory -s -j2 $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# setuptools' notice about editable installs is information, not a problem: keep the log clean
	@$(STEP) "Python packages" $(LOGS)/pip.log -- sh -c '$(BIN)/python -m pip install --upgrade pip \
		&& PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install -e ".[dev]"'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@$(STEP) "Node packages" $(LOGS)/npm.log -- npm ci --no-audit --no-fund
	@touch $@

# Compile the contracts and export their ABI and bytecode into ledger/chain/compiled (package
# data, kept in git). Run it after changing contracts/src, and commit what it changes.
build: setup
	@$(STEP) "Compiling contracts" $(LOGS)/forge-build.log -- sh -c 'cd contracts && $(FORGE) build --use $(SOLC)'
	$(BIN)/python scripts/export_artifacts.py

# CI: the artifacts in git are exactly what the sources compile to.
check-artifacts: build
	@changed="$$(git status --porcelain -- ledger/chain/compiled)"; \
	if [ -n "$$changed" ]; then \
		echo "$$changed"; \
		echo "ledger/chain/compiled is not what contracts/src compiles to: run make build and commit it" >&2; \
		exit 1; \
	fi

# Static analysis of contracts/src: Slither, through crytic-compile's foundry platform, which runs
# `forge build --build-info` from PATH: scripts/slither-forge/forge is that forge (the project's,
# with the project's solc), building into build/slither/ apart from contracts/out. Tests and
# node_modules are not analysed; Low, informational and optimization detectors are not run. Fails
# on a High or Medium finding not listed with a reason in contracts/slither-triage.json.
# Slither pins web3 < 8 (sanzhi needs 8): it gets a venv of its own, as brownie does, with the
# versions in scripts/slither-requirements.txt.
SLITHER_VENV := build/slither-venv
SLITHER_OUT := $(CURDIR)/build/slither

$(SLITHER_VENV)/.installed: scripts/slither-requirements.txt
	@rm -rf $(SLITHER_VENV) && $(PYTHON) -m venv $(SLITHER_VENV)
	@$(STEP) "Slither" $(LOGS)/slither-pip.log -- \
		$(SLITHER_VENV)/bin/python -m pip install -r scripts/slither-requirements.txt
	@touch $@

analyze: setup $(SLITHER_VENV)/.installed
	@mkdir -p $(SLITHER_OUT) && rm -f $(SLITHER_OUT)/results.json
	@$(STEP) "Slither" $(SLITHER_OUT)/slither.log -- sh -c 'cd contracts && \
		PATH="$(CURDIR)/scripts/slither-forge:$$PATH" SANZHI_REAL_FORGE="$(FORGE)" SANZHI_REAL_SOLC="$(SOLC)" \
		FOUNDRY_OUT="$(SLITHER_OUT)/out" FOUNDRY_CACHE_PATH="$(SLITHER_OUT)/cache" \
		$(CURDIR)/$(SLITHER_VENV)/bin/slither . --filter-paths "node_modules|test/" \
		--exclude-low --exclude-informational --exclude-optimization \
		--json $(SLITHER_OUT)/results.json || test -s $(SLITHER_OUT)/results.json'
	$(BIN)/python scripts/slither_gate.py $(SLITHER_OUT)/results.json contracts/slither-triage.json

# the node, the dev consortium, a demo seeded once, the index and the service with its portal; the
# data directory is the checkout's .sanzhi (unless SANZHI_DATA_DIR says otherwise), which every
# `sanzhi` command run anywhere inside the checkout finds
run: setup
	SANZHI_DATA_DIR="$${SANZHI_DATA_DIR:-$(CURDIR)/.sanzhi}" $(BIN)/sanzhi up

test: setup test-contracts test-python

test-contracts: build
	cd contracts && $(FORGE) test --use $(SOLC)

# pytest-xdist workers, each a session of its own (node, IPFS node, PostgreSQL, browser);
# PYTEST_WORKERS=0 runs everything in one process. Tests go to whichever worker is free (--dist
# load: measured faster here than loadfile or worksteal).
PYTEST_WORKERS ?= 2
PYTEST_XDIST = -n $(PYTEST_WORKERS) --dist load

test-python: setup build
	$(BIN)/pytest $(PYTEST_XDIST) --durations=25

# The tests marked `besu` again, on a node that behaves like Besu QBFT (gas price 0, one-second
# blocks, the contracts' fork); every test ran on the dev node in test-python. The index's
# PostgreSQL backend is left to test-python: what differs here is the node.
test-besu: setup
	SANZHI_TEST_NODE_PROFILE=besu $(BIN)/pytest -m "besu and not postgres" $(PYTEST_XDIST) --durations=10

# Schemathesis against the service's OpenAPI document, served on a free port of 127.0.0.1, in
# every phase (the document's examples, coverage of each limit's edges, FUZZ_EXAMPLES generated
# cases per operation, stateful sequences) with every check: no 5xx, every response as
# documented, what the document allows accepted and what it forbids refused, 405 with Allow.
# About 95 s on 2 cores. The coverage phase of the two EPCIS bodies (events and decisions: some
# 9,000 requests each, a minute each) runs only from 100 cases per operation (fuzz-deep);
# SANZHI_FUZZ_TALLY=FILE writes every failure to FILE instead of stopping.
FUZZ_EXAMPLES ?= 10
fuzz: setup
	SANZHI_FUZZ=1 SANZHI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/api/test_fuzz.py -q $(PYTEST_XDIST) --durations=10

# The chaos soak: the whole system on the embedded chain for ten minutes of mixed load while its
# parts are SIGKILLed again and again, reconciled from the chain (docs/operations.md). The command
# exits 1 when a goal is missed: anything lost or duplicated, a 5xx, fewer than 2 kills a minute.
soak: setup
	$(BIN)/sanzhi bench soak --minutes 10 --chaos --out bench-results/soak.json

# Two minutes of it for CI (at least 4 kills), results in build/soak-ci.json.
soak-ci: setup
	$(BIN)/sanzhi bench soak --minutes 2 --chaos --out build/soak-ci.json

# Longer than CI's: every forge fuzz test 10,000 runs and every invariant 256 runs of depth 64
# (contracts/foundry.toml's `deep` profile), then `make fuzz`'s Schemathesis run, every phase and
# check of every operation (the EPCIS bodies' coverage phase too), with FUZZ_DEEP_EXAMPLES
# generated cases per operation (stateful: a third as many sequences). Not part of .ci/run: the
# forge part takes an hour or more.
FUZZ_DEEP_EXAMPLES ?= 100
fuzz-deep: setup
	cd contracts && FOUNDRY_PROFILE=deep $(FORGE) test --use $(SOLC) --summary
	SANZHI_FUZZ=1 SANZHI_FUZZ_EXAMPLES=$(FUZZ_DEEP_EXAMPLES) $(BIN)/pytest tests/api/test_fuzz.py -q $(PYTEST_XDIST) --durations=10

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
