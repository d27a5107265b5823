# errtables — every target installs what it needs into .venv/ first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REGEN_FLAGS := $(if $(OFFLINE),--offline,)

.DEFAULT_GOAL := help
.PHONY: help install regen test lint bench clean goldens check

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv/ and install errtables with its dev tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

regen: $(STAMP) ## Regenerate generated/ (OFFLINE=1: from the committed captures only)
	$(BIN)/errtables regen $(REGEN_FLAGS)

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff and mypy --strict over the tool and the generated package
	$(BIN)/ruff check scraper tests generated
	$(BIN)/ruff format --check scraper tests
	$(BIN)/mypy

bench: $(STAMP) ## Measure extraction speed and memory, and regen time
	$(BIN)/python -m scraper.bench

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

goldens: $(STAMP) ## Rewrite the expected outputs beside the test fixtures
	$(BIN)/python -m pytest -q tests/test_golden.py --update-goldens

check: $(STAMP) ## Fail (exit 1, with a diff) when generated/ is not what the captures produce
	$(BIN)/errtables check
