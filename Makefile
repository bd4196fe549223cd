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

# compilemessages needs GNU gettext's msgfmt: installed with apt-get when missing and we may (Debian, root).
messages: venv
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } \
	  || { echo "msgfmt (GNU gettext) is missing: install gettext to see the UI in Russian"; exit 1; }
	cd podbor && ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

setup: venv static messages

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

# The web server and the worker run side by side; Ctrl+C (or TERM) stops both, and so does either one failing.
run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py seed_demo_routing
	$(PY) manage.py seed_demo_intake
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Podbor: http://$(HOST):$(PORT)/  with the worker (manage.py run_huey). Stop both with Ctrl+C."
	@export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py run_huey --quiet & worker=$$!; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT) & web=$$!; \
	trap 'kill $$web $$worker 2>/dev/null; wait; exit 0' INT TERM; \
	wait -n; status=$$?; kill $$web $$worker 2>/dev/null; wait; exit $$status

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check podbor bench scripts
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules podbor/static/vendor var
