# `make app` and `make test` each set everything up on a fresh machine first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
GOLD := ../shared/eval/dev.csv ../shared/eval/dev-longtail.csv data/eval/enquiries.csv data/eval/enquiries-holdout.csv
# pytest's workers (pytest-xdist): one per core; `make unit WORKERS=0` runs in one process.
WORKERS ?= auto

.PHONY: setup app replicas test lint typecheck unit eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[app,test]"
	touch $(STAMP)

setup: $(STAMP)

app: setup
	$(BIN)/streamlit run serve.py

# Two replicas on one PostgreSQL behind nginx on http://127.0.0.1:8500 (README: "Running as an
# office's service"); a throwaway PostgreSQL unless MATCHER_DB_URL names one. Ctrl-C stops all.
replicas: setup
	$(BIN)/python deploy/replicas.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy matcher

unit: setup
	$(BIN)/pytest -n $(WORKERS)

eval: setup
	@for gold in $(GOLD); do \
		if [ -f $$gold ]; then echo "== $$gold"; $(BIN)/python -m matcher eval $$gold; \
		else echo "no $$gold: skipping its figures"; fi; \
	done

test: lint typecheck eval unit

bench: setup
	$(BIN)/python benchmarks/rank_latency.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/workspace.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
