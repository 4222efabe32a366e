# CongSo — the commands a newcomer and CI need. `make run` and `make test` install everything.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
# Debian packages the test suite needs: Chromium for browser tests, Tesseract (Vietnamese) for OCR,
# poppler-utils (pdftoppm) to render signed PDFs in the signing tests; espeak-ng (Vietnamese voice)
# for the display boards' call clips.
APT_PACKAGES := chromium tesseract-ocr tesseract-ocr-vie poppler-utils espeak-ng
PYTEST_WORKERS ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps run serve demo test test-only test-cluster lint fmt openapi lock vendor bench clean

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói hệ thống:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The demo writes its notification e-mails to var/mail/ instead of the terminal.
DEMO_ENV := DEBUG=true EMAIL_URL=filemail:///$(CURDIR)/var/mail

demo: install
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) demo_load

# One task worker (background and periodic jobs, ADR 0043) runs beside the development server
# and stops with it.
run: demo
	@$(DEMO_ENV) $(MANAGE) demo_logins
	@$(DEMO_ENV) $(MANAGE) worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

# Production-like server (the one benchmarks measure, bench/server.py): gunicorn, 3 processes of
# 2 threads each, with static files by WhiteNoise. Run the task worker beside it:
# `.venv/bin/python manage.py worker` (docs/deployment.md).
serve: install
	$(MANAGE) collectstatic --noinput -v0
	$(BIN)/gunicorn congso.wsgi:application --bind 127.0.0.1:8000 --workers 3 --threads 2 --access-logfile -

lint: install
	$(BIN)/ruff check $(wildcard src tests bench) conftest.py
	$(BIN)/ruff format --check $(wildcard src tests bench) conftest.py
	$(BIN)/mypy src
	CONGSO_TESTING=true $(MANAGE) makemigrations --check --dry-run
	CONGSO_TESTING=true $(MANAGE) export_openapi --check

test-only: install system-deps
	CONGSO_TESTING=true DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not cluster" $(PYTEST_ARGS)

# The tests that start servers of their own on 127.0.0.1 (issue 14 §3): a PostgreSQL primary and
# its streaming replica made with initdb + pg_basebackup on free ports (PostgreSQL 15's programs
# must be installed; nothing else is needed, every server is stopped at the end).
test-cluster: install
	CONGSO_TESTING=true DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:xdist -q -m cluster $(PYTEST_ARGS)

test: lint test-only

fmt: install
	$(BIN)/ruff check --fix $(wildcard src tests bench) conftest.py
	$(BIN)/ruff format $(wildcard src tests bench) conftest.py

openapi: install
	CONGSO_TESTING=true $(MANAGE) export_openapi

lock:
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements.lock --python-version 3.11

# Copy front-end assets from the npm registry into the repo (run when package.json changes).
vendor:
	rm -rf /tmp/congso-vendor && mkdir -p /tmp/congso-vendor && cp package.json /tmp/congso-vendor/
	cd /tmp/congso-vendor && npm install --no-audit --no-fund --ignore-scripts >/dev/null
	cp /tmp/congso-vendor/node_modules/htmx.org/dist/htmx.min.js src/congso/static/vendor/htmx/
	mkdir -p src/congso/static/vendor/swagger-ui
	cp /tmp/congso-vendor/node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui.css,LICENSE} src/congso/static/vendor/swagger-ui/
	mkdir -p src/congso/static/vendor/echarts
	cp /tmp/congso-vendor/node_modules/echarts/{dist/echarts.common.min.js,LICENSE} src/congso/static/vendor/echarts/
	for f in DejaVuSerif DejaVuSerif-Bold DejaVuSerif-Italic DejaVuSans DejaVuSans-Bold; do \
	  cp /tmp/congso-vendor/node_modules/dejavu-fonts-ttf/ttf/$$f.ttf src/congso/core/fonts/; done
	@if [ -d /tmp/congso-vendor/node_modules/axe-core ]; then mkdir -p tests/vendor && cp /tmp/congso-vendor/node_modules/axe-core/axe.min.js tests/vendor/; fi

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/congso.sqlite3* var/media var/static
