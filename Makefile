# The two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export BORDERPOST_HOME ?= var
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL server the tests use (a scratch database is made in it and dropped after).
export BORDERPOST_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint types migrations-check postgres nats tools install clean translations translations-check

# The screening matcher's core is compiled at install (setup.py): an edit of one of these
# sources installs again, so that tests never run an old compiled copy.
COMPILED := $(addprefix src/borderpost/screening/matcher/,countries.py types.py names.py scoring.py index.py)

$(VENV)/.installed: pyproject.toml setup.py mypyc.ini $(COMPILED)
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,ocr]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	@bash scripts/ensure-tools.sh --runtime
	@if [ -f "$(BORDERPOST_HOME)/borderpost.db" ] || [ -n "$$BORDERPOST_DATABASE_URL" ]; then \
	  $(BIN)/borderpost init; \
	else \
	  $(BIN)/borderpost init && echo "New database: loading the demo (about a minute)..." && $(BIN)/borderpost demo; \
	fi
	@echo "Open http://$(HOST):$(PORT)/ in a browser (API docs at http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "Demo sign-in (password borderpost-demo): officer.west, officer.east, supervisor.west, analyst, observer, admin"
	@echo "Your own users: $(BIN)/borderpost user add NAME --role ROLE --post CODE (or --network)"
	$(BIN)/borderpost serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

types: $(VENV)/.installed
	$(BIN)/mypy

postgres:
	@bash scripts/ensure-postgres.sh

# Chromium for the browser tests, tesseract and the OCR-B font for reading document images.
tools:
	@bash scripts/ensure-tools.sh

# The sync tests talk to a real NATS JetStream server.
nats:
	@bash scripts/ensure-nats.sh

# Migrations apply cleanly and match the models, on SQLite and on PostgreSQL.
migrations-check: $(VENV)/.installed postgres
	@tmp=$$(mktemp -d); \
	BORDERPOST_DATABASE_URL="sqlite:///$$tmp/check.db" $(BIN)/alembic upgrade head && \
	BORDERPOST_DATABASE_URL="sqlite:///$$tmp/check.db" $(BIN)/alembic check; \
	status=$$?; rm -rf "$$tmp"; [ $$status -eq 0 ]
	@$(PY) scripts/pg_scratch.py -- $(BIN)/alembic upgrade head \; $(BIN)/alembic check

test: lint types migrations-check nats tools
	$(BIN)/pytest -q

# Extract every marked string into messages.pot and append new ids to the az, hy, ru catalogues,
# then list what is untranslated (docs/translations.md). `translations-check` only lists.
translations: $(VENV)/.installed
	$(PY) -m borderpost.web.catalogues update

translations-check: $(VENV)/.installed
	$(PY) -m borderpost.web.catalogues check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
