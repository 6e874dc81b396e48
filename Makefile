# The README quick start: `make run` serves the app with demo data, `make test` runs every tier.
# Both work on a fresh clone with nothing but Python 3.11 (and, for tests, the local services).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when pyproject.toml is newer than the stamp left by the last install.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEV := CAMPAIGN_ENV=development
FLASK := $(DEV) $(BIN)/flask --app app
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Two pytest processes (pytest-xdist): while one waits on a Celery worker, PostgreSQL or chromium,
# the other runs fast tests. tests/conftest.py (TierScopes) keeps together what must share one.
PYTEST := $(BIN)/pytest -n 2 --dist loadscope
FAST_TIER := tests --ignore=tests/integration --ignore=tests/browser -m "not integration and not browser"

.PHONY: run test test-fast database demo chromium pango services

run: $(STAMP) pango database demo
	$(FLASK) serve --host 127.0.0.1 --port 5000

test: $(TEST_STAMP) chromium pango services
	$(PYTEST)

# The fast tier alone (in-memory SQLite, tasks in-process): no services, no browser.
test-fast: $(TEST_STAMP) pango
	$(PYTEST) $(FAST_TIER)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@ $(STAMP)

database: $(STAMP)
	$(FLASK) db upgrade

# Demo coalitions and the demo login (safe to load twice); prints the URL and the login.
demo: $(STAMP)
	$(FLASK) demo load

# The browser tests drive Debian's chromium (`playwright install` cannot download browsers here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

# WeasyPrint (the letters' delivery packets) draws text with Pango, a system library.
pango:
	@if ! ldconfig -p | grep -q libpangoft2-1.0; then \
		echo "Installing Pango for the PDF delivery packets"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y libpango-1.0-0 libpangoft2-1.0-0; \
	fi

# PostgreSQL and Redis must be up; if not, say how to start them (tests/services.py).
services: $(STAMP)
	@$(BIN)/python -m tests.services
