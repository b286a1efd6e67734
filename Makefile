# Targets mirror CI: `make test` is what .ci/run calls.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
PORT ?= 8000
HOST ?= 127.0.0.1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(BIN)/python

.PHONY: install run test lint typecheck pytest browser-deps messages compile-messages seed clean

# Stamp file: reinstall only when the lock changes.
$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/pip install --quiet --disable-pip-version-check "uv>=0.9"
	$(UV) sync --locked --quiet
	@touch $@

install: $(VENV)/.installed

run: install compile-messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@# No beat in the embedded mode: a reminder loop runs beside daphne and stops with it.
	@# daphne's limits sit above the gateway's 64 KiB, so the gateway answers first with 1009:
	@# daphne's own refusal drops the socket (1006) instead (docs/protocol.md).
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py send_due_reminders --every 60 & \
	$(BIN)/daphne -b $(HOST) -p $(PORT) --websocket-max-message-size 2097152 \
	  --websocket-max-frame-size 2097152 config.asgi:application

# The compiled catalogues are committed too, so a machine without gettext still runs.
compile-messages: install
	@if command -v msgfmt >/dev/null; then \
	  $(BIN)/python manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

# Debian's Chromium for the browser tests, when it is missing and we may install it.
browser-deps:
	@scripts/ensure-chromium

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy .

pytest: install compile-messages
	$(BIN)/pytest

test: install browser-deps lint typecheck pytest

messages: install
	$(BIN)/python manage.py makemessages -l fr -l nl -l en --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py makemessages -d djangojs -l fr -l nl -l en --ignore=.venv --ignore=tests --ignore=bench

seed: install
	$(BIN)/python manage.py seed_demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
