# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
HOST ?= 127.0.0.1
PORT ?= 8000
# Listening on every address (0.0.0.0 or ::) is reached, on this machine, at 127.0.0.1.
SHOWN_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# A Python >= 3.12: $PYTHON if given, then the usual names on PATH, then
# pyenv's installed versions (called directly, so pyenv shims don't refuse).
find_python = for c in "$$PYTHON" python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  [ -n "$$c" ] || continue; \
	  p=$$(command -v "$$c" 2>/dev/null) || continue; \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done; exit 1

.PHONY: help install run test lint format worker clean

help:
	@echo "make run    install, migrate, load the demo story, serve it on http://$(HOST):$(PORT)/"
	@echo "make test   install and run the whole test suite"

$(STAMP): pyproject.toml
	@py=$$($(find_python)) || { \
	  echo "error: no Python 3.12 or newer found." >&2; \
	  echo "Install Python 3.12+ (e.g. 'apt install python3.12 python3.12-venv' or 'pyenv install 3.13')," >&2; \
	  echo "or point PYTHON at one: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); "$$py" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: export DJANGO_DEBUG ?= 1
run: export TASKS_BACKEND ?= database
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	@echo
	@echo "  Newsroom is at   http://$(SHOWN_HOST):$(PORT)/"
	@echo "  The demo story:  http://$(SHOWN_HOST):$(PORT)/stories/north-korean-soldiers-captured-in-kursk/"
	@echo "  Admin:           http://$(SHOWN_HOST):$(PORT)/admin/ (user '$${DEMO_ADMIN_USERNAME:-admin}'; the password is printed above"
	@echo "                   on the first run, or set DEMO_ADMIN_PASSWORD before it)"
	@echo
	@# The worker stops with the server. Not "kill 0": it signals this shell too,
	@# whose trap then runs again, until the shell crashes.
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	TASKS_BACKEND=database $(PY) manage.py db_worker

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
