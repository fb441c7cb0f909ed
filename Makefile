# Portail des appels à projets: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint fmt bench install install-dev migrate seed run worker beat messages clean \
	prod prod-start prod-stop backup restore faults e2e

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext not installed: using the committed .mo files"; fi

migrate: install messages
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo

## demo: install, migrate, seed and serve the portal on http://127.0.0.1:8000
demo: seed
	@echo "Portal on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

## test: install dev requirements and run the whole suite
test: install-dev messages
	$(PY) -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint

## fmt: ruff fixes and formats the Python, djlint the templates (its --reformat exits 1 when it
## changed a file: the --check that follows then decides)
fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || $(BIN)/djlint templates --check --quiet

bench: install-dev migrate
	$(PY) -m bench

worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel=INFO

## prod: the production topology on this machine (gunicorn, Celery worker and beat, nginx with
## TLS on https://127.0.0.1:8443) with DEBUG=0; needs DATABASE_URL, REDIS_URL, SECRET_KEY
prod: install
	VENV=$(VENV) bin/prod run

## prod-start / prod-stop: the same in the background (returns once /healthz answers) / stop it
prod-start: install
	VENV=$(VENV) bin/prod start

prod-stop:
	VENV=$(VENV) bin/prod stop

## e2e: the whole journey in Chromium against make prod, on a fresh portal_e2e database (.ci/e2e);
## needs DATABASE_URL and REDIS_URL
e2e: install-dev
	VENV=$(VENV) .ci/e2e

## faults: the tests that stop PostgreSQL and Redis instances of their own, kill workers and
## restore backups, one at a time; needs DATABASE_URL and REDIS_URL
faults: install-dev messages
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "faults needs DATABASE_URL and REDIS_URL"; exit 1; }
	$(PY) -m pytest -m faults tests/faults -p no:randomly

## backup: the database (pg_dump, or SQLite's backup API) and the media files into
## var/backups/<timestamp>/ with a manifest of their SHA-256
backup: install
	$(PY) manage.py backup

## restore BACKUP=var/backups/<timestamp>: checks the manifest, then replaces the database of
## DATABASE_URL and unpacks the media files (asks to confirm)
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp>"; exit 1; }
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) var/portal.sqlite3 var/media var/static
