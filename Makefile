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

# The embedded local run: DEBUG off unless asked (`DEBUG=true make run`); BACKSTAGE_LOCAL lets
# it serve plain HTTP on this machine with a generated key (.secret_key) and links (SITE_URL)
# to this PORT (config/settings.py). Production never sets BACKSTAGE_LOCAL.
RUN_ENV := DEBUG=$${DEBUG:-false} BACKSTAGE_LOCAL=1 PORT=$(PORT)

run: install compile-messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	@# --allow-production: the demo accounts are this machine's own, with DEBUG off too.
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --allow-production
	@# No beat in the embedded mode: reminder, notification and event-clock loops run beside daphne
	@# and stop with it. The event clock's loop drives the clock with REDIS_URL set too (no worker
	@# is started); embedded, daphne ends phases itself and the loop catches up (events/tasks.py).
	@# daphne's limits sit above the gateway's 64 KiB, so the gateway answers first with 1009:
	@# daphne's own refusal drops the socket (1006) instead (docs/protocol.md).
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py send_due_reminders --every 60 & \
	$(RUN_ENV) $(BIN)/python manage.py send_due_notifications --every 60 & \
	$(RUN_ENV) $(BIN)/python manage.py run_event_clock --every 1 & \
	$(RUN_ENV) $(BIN)/daphne -b $(HOST) -p $(PORT) --websocket-max-message-size 2097152 \
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
