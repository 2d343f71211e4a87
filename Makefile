# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck mutation messages serve worker beat bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Message catalogues are compiled from locale/*.po at build time (no committed .mo files).
messages: $(INSTALLED)
	$(PY) manage.py compile_catalogues

run: $(INSTALLED) messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker on the file broker (Ctrl-C stops both)"
	@mkdir -p var  # the beat schedule's folder (settings create none on import)
	@# devtools/supervise.py restarts the worker whenever it dies; stopping it stops the worker.
	@$(PY) -m devtools.supervise $(VENV)/bin/celery -A config worker --beat --loglevel=WARNING \
		--concurrency=2 --schedule var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: $(INSTALLED) messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

# Type checks (pyproject.toml [tool.mypy]): strict on the ledger.
typecheck: $(INSTALLED)
	$(VENV)/bin/mypy vouchers/ledger

# Mutation testing (pyproject.toml [tool.mutmut]); the score is recorded in docs/testing.md.
mutation: $(INSTALLED) messages
	rm -rf mutants
	$(VENV)/bin/mutmut run
	$(VENV)/bin/mutmut results

bench: $(INSTALLED)
	$(PY) -m bench

clean:
	rm -rf $(VENV) var
