# One command for the main job, one for the tests. Both make their own venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

## demo: install, load the shipped record into ./ledger.db, replay as of March 2014
demo: $(STAMP)
	$(BIN)/ledger import --shipped
	$(BIN)/ledger replay --as-of 2014-03

## test: the whole test suite, the import contracts and the linter
test: $(STAMP)
	$(BIN)/pytest -q
	$(BIN)/ruff check .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q tests/test_architecture.py

## bench: benchmarks and the ratio table against raw SQLite (not part of the tests)
bench: $(STAMP)
	$(BIN)/pytest -q benchmarks
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks.compare

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks .hypothesis
