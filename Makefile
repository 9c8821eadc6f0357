# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := webapp/static/vendor
export FLASK_APP := wsgi
# `make run PORT=8080` serves on another port; BASE_URL follows it, so the links in emails
# point at the port the portal answers on. Set BASE_URL yourself behind a proxy.
PORT ?= 5000
BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run worker serve test install assets db lint e2e test-postgres clean

# The worker (batch files, periodic tasks) runs beside the web server and stops with it.
run: install assets db
	$(BIN)/lrs demo
	BASE_URL=$(BASE_URL) $(BIN)/lrs worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	BASE_URL=$(BASE_URL) $(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

worker: install db
	$(BIN)/lrs worker

# Production-style: gunicorn (gunicorn.conf.py), JSON logs, /healthz, /readyz, /metrics.
# Set DATABASE_URL, REDIS_URL, SECRET_KEY, BASE_URL and TRUSTED_PROXIES first (see
# docs/deployment.md). `lrs init` is idempotent, so it runs on every start.
serve: install assets
	$(BIN)/lrs init
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install assets
	$(BIN)/ruff check webapp tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest -q

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets: $(VENDOR)/.built

$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/govuk-frontend $(VENDOR)/htmx
	cp -r node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	      node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
	      node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk-frontend/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $(VENDOR)/.built

db: install
	$(BIN)/lrs init

lint: install
	$(BIN)/ruff check webapp tests bench
	$(BIN)/lint-imports

e2e: install assets
	LRS_REQUIRE_BROWSER=1 $(BIN)/pytest -q tests/e2e

test-postgres: install assets
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/lrs_test} $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/e2e

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
