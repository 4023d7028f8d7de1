# Abri: the two quick-start commands are `make demo` and `make test`; both need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOME_DIR ?= var
SCALE ?= paris

.PHONY: demo test lint bench install docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/abri demo --home $(HOME_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --home $(HOME_DIR)/bench --scale $(SCALE)

docs: $(STAMP)
	$(BIN)/abri contract-doc --out docs/data-contract.md
	$(BIN)/abri feature-doc --out docs/feature-dictionary.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
