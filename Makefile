# Abri: the two quick-start commands are `make demo` and `make test`; both need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# every library pinned (same data and seed give the same model file only with the same versions);
# `make lock` refreshes it from pyproject.toml
LOCK := requirements.lock
HOME_DIR ?= var
SCALE ?= paris

.PHONY: demo test lint typecheck bench bench-analyses install lock docs i18n clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --extra dask --strip-extras --no-header --no-emit-index-url \
	  --no-emit-find-links --annotation-style=line -o $(LOCK) pyproject.toml

demo: $(STAMP)
	$(BIN)/abri demo --home $(HOME_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

# the pipeline's stages, within the 30-minute goal at Paris scale
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --home $(HOME_DIR)/bench --scale $(SCALE)

# after `make bench`, on its city: the gap decomposition and the growth stage (a city twice as
# large), about an hour more at Paris scale; their figures join var/bench/latest.json
bench-analyses: $(STAMP)
	$(BIN)/python -m benchmarks.run --home $(HOME_DIR)/bench --scale $(SCALE) --stages gap,growth

docs: $(STAMP)
	$(BIN)/abri contract-doc --out docs/data-contract.md
	$(BIN)/abri feature-doc --out docs/feature-dictionary.md

# the text catalogue for translators: reports/locales/abri.pot from t()/tn() calls and the French
# catalogue, then both PO files updated (new keys added empty, the French text beside each key)
i18n: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k t -k tn:1,1 --no-location \
	  --project=Abri -w 100 -o reports/locales/abri.pot .
	$(BIN)/pybabel update -i reports/locales/abri.pot -d reports/locales -D abri --no-fuzzy-matching -w 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
