# The two commands a person needs: `make run` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint unit e2e node-test fixtures docker-smoke bench install clean chromium

# The venv is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,notebook-test]'
	touch $@

# Front-end packages come from the lockfile, exactly.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The notebook widget's bundle (scripts/build_assets.py): the page's modules in one ES module.
WIDGET := app/_assets/widget/explorer.js
$(WIDGET): node_modules/.installed scripts/build_assets.py $(wildcard static/js/*/*.js static/css/*.css static/js/widget/*)
	$(BIN)/python scripts/build_assets.py app/_assets

install: $(BIN)/.installed node_modules/.installed $(WIDGET)

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
# As root it is installed; otherwise make says what to install and never runs sudo itself. Without it
# the browser tests skip, except under CI=true, where they must run.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing at $(CHROMIUM): install it (e.g. sudo apt-get install chromium) for the browser tests"; \
	    if [ "$$CI" = true ]; then exit 1; fi; \
	  fi; \
	fi

run: install
	$(BIN)/python -m app.cli serve --host $(HOST) --port $(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

node-test: node_modules/.installed
	node --test tests/js/

# The JS tests' fixtures, from the API's real answers (tests/app/test_fixtures.py fails while they are stale).
fixtures: $(BIN)/.installed
	$(BIN)/python scripts/make_fixtures.py

unit: install
	$(BIN)/python -m pytest -q -m "not e2e and not docker"

e2e: install chromium
	$(BIN)/python -m pytest -q -m e2e

test: install chromium lint node-test
	$(BIN)/python -m pytest -q -p no:cacheprovider
	@if [ "$$CI" = true ] || docker info >/dev/null 2>&1; then $(MAKE) docker-smoke; \
	  else echo "docker-smoke: no Docker engine here; CI runs it (make docker-smoke)"; fi

docker-smoke:
	bash scripts/docker-smoke.sh

bench: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis app/_assets build dist
