# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BENCH_INSTALLED := $(VENV)/.installed-bench
PYTEST_ARGS ?=
# `make test` runs the suite on this many pytest-xdist workers (0: in this process). Tests
# marked with the same xdist_group run one after another on one worker (--dist loadgroup).
PYTEST_WORKERS ?= 2

.PHONY: install run serve test lint check-deploy bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

# The `bench` extra: locust and django-two-factor-auth, for `make bench` and the load tests.
$(BENCH_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000/ (support desk: http://127.0.0.1:8000/admin/);"
	@echo "for security keys (WebAuthn) open http://localhost:8000/ instead: browsers refuse an IP address."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production settings under gunicorn, on PostgreSQL and Redis, static files by WhiteNoise.
# SLS_LOCAL_HTTP=true (sls_portal/settings/serve.py) allows plain HTTP on this machine; keys
# not set in the environment are generated once into var/serve-keys.env and kept, so that
# device secrets stay readable between runs.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sls_serve
SERVE_REDIS_URL ?= redis://127.0.0.1:6379/0
SERVE_WORKERS ?= 3
SERVE_BIND ?= 127.0.0.1:8000
# Each Argon2 verification takes 100 MiB from malloc; in transparent huge pages that is
# about 650 page faults instead of 25,700, and 35 ms less CPU per login (docs/performance.md).
SERVE_MALLOC := glibc.malloc.hugetlb=1
SERVE_KEYS := var/serve-keys.env
# prometheus_client's multiprocess mode: each gunicorn worker writes its counts to files
# here and /metrics adds them up (docs/operations.md); emptied at each start.
SERVE_METRICS_DIR := $(CURDIR)/var/prometheus
SERVE_ENV = DJANGO_SETTINGS_MODULE=sls_portal.settings.serve \
	SLS_LOCAL_HTTP=$${SLS_LOCAL_HTTP:-true} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DATABASE_URL=$${DATABASE_URL:-$(SERVE_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(SERVE_REDIS_URL)}

$(SERVE_KEYS):
	mkdir -p var
	$(PYTHON) -c 'import base64, secrets; \
		print("SECRET_KEY=$${SECRET_KEY:-" + secrets.token_urlsafe(64) + "}"); \
		print("DEVICE_SECRET_KEYS=$${DEVICE_SECRET_KEYS:-" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "}"); \
		print("DEVICE_CELL_HMAC_KEY=$${DEVICE_CELL_HMAC_KEY:-" + secrets.token_urlsafe(32) + "}")' > $@

serve: install $(SERVE_KEYS)
	set -a && . ./$(SERVE_KEYS) && set +a && export $(SERVE_ENV) && \
	$(BIN)/python -m sls_portal.database && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	rm -rf $(SERVE_METRICS_DIR) && mkdir -p $(SERVE_METRICS_DIR) && \
	GLIBC_TUNABLES=$${GLIBC_TUNABLES:-$(SERVE_MALLOC)} PROMETHEUS_MULTIPROC_DIR=$(SERVE_METRICS_DIR) \
	exec $(BIN)/gunicorn sls_portal.wsgi:application --workers $(SERVE_WORKERS) \
		--bind $(SERVE_BIND)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# axe-core, pinned in package-lock.json, which the accessibility browser test injects.
node_modules/axe-core:
	npm ci --no-audit --no-fund

# The load and two-server tests run locust against gunicorn: the bench extra is needed.
test: lint node_modules/axe-core $(BENCH_INSTALLED)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

check-deploy: install
	DJANGO_SETTINGS_MODULE=sls_portal.settings.production \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DEVICE_SECRET_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	DEVICE_CELL_HMAC_KEY=check-only ALLOWED_HOSTS=portal.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Figures of speed, not a test (docs/performance.md): the withdrawal capacity check at 1,000
# and 1,000,000 ledger rows; then logins per second through gunicorn next to
# django-two-factor-auth on the same hasher and next to a bare view, peak memory per worker,
# and SQL queries per login step and per withdrawal. PostgreSQL (DATABASE_URL, else its own
# databases, created if missing) and Redis; throwaway keys as check-deploy makes them.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sls_bench
BENCH_TWO_FACTOR_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sls_bench_two_factor
bench: $(BENCH_INSTALLED)
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python manage.py bench_withdrawals
	DJANGO_SETTINGS_MODULE=bench.settings SLS_LOCAL_HTTP=true \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DEVICE_SECRET_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	DEVICE_CELL_HMAC_KEY=bench-only \
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} \
	TWO_FACTOR_DATABASE_URL=$${TWO_FACTOR_DATABASE_URL:-$(BENCH_TWO_FACTOR_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(SERVE_REDIS_URL)} \
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts node_modules
