# Build, test and measure. Every target sets up .venv first if it is missing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
# Browser tests drive Debian's chromium; no tool may download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup site serve test bench lint clean

# Files the site serves and the browser tests use, at the versions package-lock.json
# pins (no install scripts run).
NODE_DONE := node_modules/.package-lock.json

$(BIN)/mkdocs: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(BIN)/pytest: $(BIN)/mkdocs requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

$(NODE_DONE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

## setup: create .venv and node_modules
setup: $(BIN)/pytest $(NODE_DONE)

## site: build the site into site/ (MAPPINGS_DATA_DIR picks the data folder)
site: $(BIN)/mkdocs $(NODE_DONE)
	$(BIN)/mkdocs build --strict

## serve: preview on http://127.0.0.1:8000, rebuilding when docs or data change
serve: $(BIN)/mkdocs $(NODE_DONE)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## test: run every test (browser tests need Debian's chromium; see README)
test: $(BIN)/pytest $(NODE_DONE)
	$(BIN)/pytest

## bench: time and measure builds of the real data in ../shared/data
bench: $(BIN)/pytest $(NODE_DONE)
	$(BIN)/python scripts/benchmark.py

lint: $(BIN)/pytest
	$(BIN)/ruff check hooks scripts tests
	$(BIN)/ruff format --check hooks scripts tests

clean:
	rm -rf site .pytest_cache test-artifacts
