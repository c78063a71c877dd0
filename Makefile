# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The modeller's bpmn-js and the round-trip test's bpmn-moddle, from the committed package-lock.json.
NODE_STAMP := node_modules/.installed-stamp
# The browser test drives Debian's Chromium (never a browser build downloaded by Playwright).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing: install Node.js 20 and npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "make: $(CHROMIUM) is missing and there is no apt-get: install Chromium" >&2; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
	@test -x $(CHROMIUM) || { echo "make: installing chromium did not give $(CHROMIUM)" >&2; exit 1; }

setup: $(STAMP) $(NODE_STAMP)

# A signing secret for this machine, made once and kept (mode 0600); `serve` refuses to start without one.
SECRET_FILE := var/secret_key

$(SECRET_FILE):
	@mkdir -p var
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@.tmp && mv $@.tmp $@
	@echo "make: generated a signing secret in $@ (kept for later runs; delete it to log everyone out)"

# Set up, migrate, load the demo data and serve on SQLite under var/. UJIKOM_SECRET_KEY from the
# environment or .env wins over var/secret_key.
run: setup $(SECRET_FILE)
	$(BIN)/ujikom db upgrade
	$(BIN)/ujikom seed-demo
	@if [ -z "$$UJIKOM_SECRET_KEY" ] && ! grep -qs '^UJIKOM_SECRET_KEY=' .env; then \
		UJIKOM_SECRET_KEY="$$(cat $(SECRET_FILE))"; export UJIKOM_SECRET_KEY; fi; \
	exec $(BIN)/ujikom serve --host $(HOST) --port $(PORT)

# The gate every change passes: lint (ruff, format, mypy, the import contracts of docs/architecture.md).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Lint, then every test: on SQLite, and on PostgreSQL too when UJIKOM_TEST_DATABASE_URL is set. The tests run
# in TEST_WORKERS processes (pytest-xdist; each builds its own database templates): one per core, at most 4.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
test: lint $(CHROMIUM)
	$(BIN)/pytest -q -n $(TEST_WORKERS)

bench: setup
	$(BIN)/python bench/latency.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
