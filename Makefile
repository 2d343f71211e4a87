# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck mutation contract messages serve worker beat bench clean install

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

# Type checks (pyproject.toml [tool.mypy]): strict on the ledger, the services, the selectors
# and the domain helpers; the modules they import are checked with the default flags.
TYPED := vouchers/ledger vouchers/services vouchers/movements.py vouchers/pricing.py \
	vouchers/visibility.py vouchers/selectors.py vouchers/program_selectors.py \
	vouchers/states.py vouchers/invoices.py vouchers/evidence_preview.py \
	accounts/services accounts/access.py accounts/selectors.py accounts/audit.py \
	accounts/credit_codes.py accounts/amounts.py accounts/transactions.py \
	accounts/idempotency.py accounts/token_cache.py accounts/notifications.py config/errors.py vouchers/notifications.py \
	vouchers/rating_selectors.py vouchers/record_selectors.py vouchers/review_warnings.py \
	vouchers/charts.py vouchers/chart_selectors.py \
	reporting/services \
	reporting/selectors.py accounts/audit_labels.py accounts/audit_display.py \
	vouchers/timelines.py vouchers/audit_links.py vouchers/todo.py accounts/confirm.py \
	accounts/navigation.py config/db_routers.py
typecheck: $(INSTALLED)
	$(VENV)/bin/mypy $(TYPED)

# Mutation testing (pyproject.toml [tool.mutmut]); the score is recorded in docs/testing.md.
mutation: $(INSTALLED) messages
	rm -rf mutants
	$(VENV)/bin/mutmut run
	$(VENV)/bin/mutmut results

# Production (docs/operations.md, "Installing for production"): the runtime dependencies only
# (no [dev] extra) into INSTALL_VENV, the catalogues, the static files, and the migrations run
# as the owner role. Run it with the production environment file loaded.
INSTALL_VENV ?= $(VENV)
install:
	@for variable in DJANGO_SETTINGS_MODULE DATABASE_URL DATABASE_OWNER_URL DATABASE_APP_ROLE; do \
		if [ -z "$$(printenv $$variable)" ]; then \
			echo "make install: $$variable is not set (load the environment file first)" >&2; \
			exit 1; \
		fi; \
	done
	$(PYTHON) -m venv $(INSTALL_VENV)
	$(INSTALL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(INSTALL_VENV)/bin/python -m pip install --quiet -e .
	$(INSTALL_VENV)/bin/python manage.py compile_catalogues
	$(INSTALL_VENV)/bin/python manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL="$$DATABASE_OWNER_URL" $(INSTALL_VENV)/bin/python manage.py migrate --noinput
	$(INSTALL_VENV)/bin/python manage.py check --deploy

# The whole-API schemathesis sweep alone (tests/api/test_schemathesis_sweep.py, also part of
# `make test`): every check, both modes, every role; prints its findings grouped by check.
# Further: VOUCHERS_SCHEMATHESIS_EXAMPLES=30 VOUCHERS_SCHEMATHESIS_SEED=7 make contract
contract: $(INSTALLED) messages
	$(VENV)/bin/pytest -p no:cacheprovider -q --show-capture=stdout tests/api/test_schemathesis_sweep.py

bench: $(INSTALLED)
	$(PY) -m bench

clean:
	rm -rf $(VENV) var
