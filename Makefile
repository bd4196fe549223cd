# Podbor: `make run` starts everything on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := podbor.settings

.PHONY: run test bench lint setup venv static messages migrate seed clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Browser libraries come from npm and are copied into static files; nothing third-party is committed.
static: node_modules/.installed
	$(PY) scripts/vendor_static.py

messages: venv
	cd podbor && ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

setup: venv static messages

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Podbor: http://$(HOST):$(PORT)/   (stop with Ctrl+C)"
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_huey --quiet & \
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver --noreload $(HOST):$(PORT) & \
	wait

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check podbor bench scripts
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules podbor/static/vendor var
