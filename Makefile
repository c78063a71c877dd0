# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Set up, migrate, load the demo data and serve on SQLite under var/.
run: setup
	$(BIN)/ujikom db upgrade
	$(BIN)/ujikom seed-demo
	$(BIN)/ujikom serve --host $(HOST) --port $(PORT)

# Lint and every test: on SQLite, and on PostgreSQL too when UJIKOM_TEST_DATABASE_URL is set.
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/latency.py

clean:
	rm -rf $(VENV) var .pytest_cache
