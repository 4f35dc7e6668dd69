# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install run test lint check-deploy bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000/ (support desk: http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# axe-core, pinned in package-lock.json, which the accessibility browser test injects.
node_modules/axe-core:
	npm ci --no-audit --no-fund

test: lint node_modules/axe-core
	$(BIN)/pytest $(PYTEST_ARGS)

check-deploy: install
	DJANGO_SETTINGS_MODULE=sls_portal.settings.production \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DEVICE_SECRET_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	DEVICE_CELL_HMAC_KEY=check-only ALLOWED_HOSTS=portal.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Figures of speed, not a test: the withdrawal capacity check at 1,000 and 1,000,000 ledger
# rows on PostgreSQL (DATABASE_URL, else its own database sls_bench, created if missing).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sls_bench
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python manage.py bench_withdrawals

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts node_modules
