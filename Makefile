# The two commands: `make run` (the whole app on this machine) and `make test` (everything, against
# PostgreSQL and Redis on 127.0.0.1). `make test-fast` is the quick subset for development. The rest
# are the steps they are made of. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BIN := $(CURDIR)/$(VENV)/bin
# Written after a successful `pip install -r ...`; older than its requirements file means reinstall.
# `make run` installs only what runs (requirements.txt); the tests and lint add requirements-dev.txt.
RUN_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp
VAR_DIR := $(or $(CLINIC_VAR_DIR),var)

# make run
# WEB_HOST, not HOST: some shells (tcsh) export HOST as the machine name.
WEB_HOST ?= 127.0.0.1
PORT ?= 8000
# Where the links in patients' emails point: this server, unless SITE_URL says otherwise. Set here, not
# derived in settings from PORT: honcho gives each Procfile process a PORT of its own (worker 8100,
# beat 8200), and it is the worker that writes the emails.
SITE_URL ?= http://$(WEB_HOST):$(PORT)
export WEB_HOST PORT SITE_URL DEMO_PASSWORD

# make test
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
export TEST_DATABASE_URL TEST_REDIS_URL

# make backup / make restore FILE=… [FORCE=1]
BACKUP_DIR ?= $(VAR_DIR)/backups
FILE ?=
FORCE ?=

# Files that change what collectstatic copies: the installed packages and the project's own static files.
STATIC_SOURCES := $(RUN_STAMP) $(shell find . \( -path ./$(VENV) -o -path ./$(VAR_DIR) -o -path ./.git -o -path ./node_modules \) -prune -o -type f -path '*/static/*' -print 2>/dev/null)
# Per DJANGO_ENV: production collects with the manifest storage, development without.
STATIC_STAMP := $(VAR_DIR)/static/.collected-$(or $(DJANGO_ENV),development)

.PHONY: help run test test-fast client backup restore install install-dev venv lint migrate seed collectstatic services check-services check-browser clean

help:
	@echo "make run        migrate, seed the demo clinic, then serve web (http://$(WEB_HOST):$(PORT)/), a Celery worker and beat"
	@echo "make test       check PostgreSQL and Redis, then ruff, import-linter, mypy, makemigrations --check and every test"
	@echo "make test-fast  check PostgreSQL and Redis, then the tests not marked slow (under a minute)"
	@echo "make client     write the API schema (clients/openapi.yaml) and generate the Python client from it (clients/python/)"
	@echo "make backup     back up the database (DATABASE_URL, else the embedded SQLite file) into BACKUP_DIR (var/backups/), a timestamped file"
	@echo "make restore    FILE=<backup> [FORCE=1]: restore a backup; refuses a database that is not empty unless FORCE=1"
	@echo "Steps: install (runtime), install-dev (runtime + tools), lint, migrate, seed, collectstatic, check-services, clean"

# --- Virtualenv ------------------------------------------------------------------------------
$(PY):
	@set -e; \
	if command -v python3.11 >/dev/null 2>&1; then base=python3.11; \
	elif command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then base=python3; \
	else echo "Python 3.11 or newer is needed: install python3.11 (with its venv module) and run make again." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$base ($$($$base --version))"; \
	$$base -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv (or python3.11-venv)." >&2; exit 1; }

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

# requirements-dev.txt includes requirements.txt; after the runtime install, this adds only the tools.
$(DEV_STAMP): requirements-dev.txt $(RUN_STAMP) | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

# --- make run --------------------------------------------------------------------------------
migrate: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput

# Idempotent, so it runs every time; --password only when DEMO_PASSWORD is set (else seed_demo
# generates one for new users and prints it, and leaves existing users' passwords alone).
seed: migrate
	$(PY) manage.py seed_demo $${DEMO_PASSWORD:+--password "$$DEMO_PASSWORD"}

$(STATIC_STAMP): $(STATIC_SOURCES)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

collectstatic: $(STATIC_STAMP)

# honcho starts the Procfile's web, worker and beat and stops them all on Ctrl-C. It is told to read
# no .env file: the settings come from the environment, the same for every step above.
run: seed $(STATIC_STAMP)
	@echo "Starting web on http://$(WEB_HOST):$(PORT)/ (front desk; setup at /admin/) with a Celery worker and beat (Ctrl-C stops all)."
	@echo "Links in patients' emails point to $(SITE_URL)."
	PATH="$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile --env /dev/null start --port $(PORT)

# --- make test -------------------------------------------------------------------------------
check-services services: $(RUN_STAMP)
	$(PY) scripts/check_services.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy

# The browser tests (tests/e2e/) drive Debian's Chromium and inject axe-core, installed from npm as
# package-lock.json pins it (again whenever package.json or the lock changes).
AXE := node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make test needs npm (Node.js) to install axe-core for the browser tests: apt-get install -y npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

check-browser: $(AXE)
	@test -x $(CHROMIUM) || { echo "make test needs Chromium at $(CHROMIUM) for the browser tests (tests/e2e/): apt-get update && apt-get install -y chromium" >&2; exit 1; }

# pytest against the test services, with nothing of the caller's deployment settings (DJANGO_ENV,
# EMAIL_URL, SITE_URL...) leaking in; the tests set what they need.
PYTEST := env -u DJANGO_ENV -u EMAIL_URL -u SITE_URL -u DJANGO_SETTINGS_MODULE \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" \
		PATH="$(BIN):$$PATH" \
		$(BIN)/pytest -p xdist -n $(TEST_WORKERS) --dist worksteal

# makemigrations --check compares the models with the migration files; an in-memory SQLite
# database keeps it from needing (or touching) any real one.
test: $(DEV_STAMP) check-services lint check-browser
	env -u DJANGO_ENV DATABASE_URL="sqlite://:memory:" REDIS_URL="" $(PY) manage.py makemigrations --check --dry-run
	$(PYTEST) $(PYTEST_ARGS)

# The tests not marked `slow` (pyproject.toml): no browser, no worker fleets, no schema fuzzing.
test-fast: $(DEV_STAMP) check-services
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# --- make client -----------------------------------------------------------------------------
# The Python client in clients/python/, after any change to the API (a test in `make test` fails until it
# is run: tests/api/test_generated_client.py). The schema is written as a server on PostgreSQL serves it
# (the integer fields' bounds are the database backend's: SQLite's are wider), with no server needed: writing
# it opens no connection, and the host named cannot resolve should anything try. The package is generated
# from it by openapi-python-client (clients/python-config.yaml). Only clients/python/clinic_client/ is
# generated, and replaced whole; the pyproject.toml and README.md beside it are written by hand.
CLIENT_SCHEMA := clients/openapi.yaml
CLIENT_PACKAGE := clients/python/clinic_client

client: $(DEV_STAMP)
	env -u DJANGO_ENV DATABASE_URL="postgres://no-database.invalid/clinic" REDIS_URL="" \
		$(PY) manage.py spectacular --validate --fail-on-warn --file $(CLIENT_SCHEMA)
	rm -rf $(CLIENT_PACKAGE)
	PATH="$(BIN):$$PATH" $(BIN)/openapi-python-client generate --path $(CLIENT_SCHEMA) --config clients/python-config.yaml \
		--meta none --output-path $(CLIENT_PACKAGE) --fail-on-warning

# --- make backup, make restore ----------------------------------------------------------------
# The logic is in manage.py backup and restore (backups/): pg_dump -Fc / pg_restore for PostgreSQL, SQLite's
# online backup API for the embedded mode. See README.md, "Backups".
backup: $(RUN_STAMP)
	$(PY) manage.py backup --dir "$(BACKUP_DIR)"

restore: $(RUN_STAMP)
	@test -n "$(FILE)" || { echo "make restore needs the backup to restore: make restore FILE=$(BACKUP_DIR)/<name> (add FORCE=1 to replace a database that is not empty)" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)"$(if $(filter 1 yes true,$(FORCE)), --force)

# --- Housekeeping ----------------------------------------------------------------------------
# Removes what `make run` and the tools leave behind (the SQLite database, broker files, mail,
# collected static files, caches). Keeps .venv, and the backups in $(VAR_DIR)/backups/: a clean start must
# not take the only copy of the database with it. `rm -rf .venv` for a fully fresh start.
clean:
	if [ -d "$(VAR_DIR)" ]; then find "$(VAR_DIR)" -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} +; fi
	rm -rf .pytest_cache .ruff_cache .import_linter_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
