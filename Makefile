# Build, test and measure. Every target sets up .venv first if it is missing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test bench lint clean

$(BIN)/mkdocs: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(BIN)/pytest: $(BIN)/mkdocs requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

## site: build the site into site/ (MAPPINGS_DATA_DIR picks the data folder)
site: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict

## serve: preview on http://127.0.0.1:8000, rebuilding when docs or data change
serve: $(BIN)/mkdocs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## test: run every test (browser tests need Debian's chromium; see README)
test: $(BIN)/pytest
	$(BIN)/pytest

## bench: time and measure builds of the real data in ../shared/data
bench: $(BIN)/pytest
	$(BIN)/python scripts/benchmark.py

lint: $(BIN)/pytest
	$(BIN)/ruff check hooks scripts tests
	$(BIN)/ruff format --check hooks scripts tests

clean:
	rm -rf site .pytest_cache
