"""Shared fixtures: services check, API clients, users, and a live daphne process."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
# Seconds a live server may take to listen (a loaded machine is slow to import the apps).
SERVER_START_TIMEOUT = 120


def _reachable(url_env: str, default_port: int) -> tuple[bool, str]:
    from urllib.parse import urlparse

    parsed = urlparse(os.environ[url_env])
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True, f"{host}:{port}"
    except OSError:
        return False, f"{host}:{port}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """When DATABASE_URL or REDIS_URL is set, the service must be there: say so and stop."""
    for variable, port in (("DATABASE_URL", 5432), ("REDIS_URL", 6379)):
        if os.environ.get(variable, "").split(":")[0] in ("", "sqlite"):
            continue
        ok, where = _reachable(variable, port)
        if not ok:
            pytest.exit(
                f"{variable} is set but nothing answers at {where}: start the service "
                "(see docs/operations.md) or unset the variable for the embedded mode.",
                returncode=3,
            )


def pytest_report_header(config: pytest.Config) -> list[str]:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [f"backstage: database={engine} channel_layer={layer}"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    """A fresh cache namespace per test, so throttling counters never leak between tests."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _fresh_notification_memo() -> None:
    """Ids come back after a rollback (SQLite): a pair remembered by an earlier test must not
    hide a notice in this one (accounts.notifications.service's memo)."""
    from accounts.notifications.service import _notified_recently

    _notified_recently.clear()


@pytest.fixture(autouse=True)
def _media_outside_the_checkout(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Photos stored by a test (uploads, seed_demo's pictures) go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(**fields: Any) -> Any:
        return UserFactory(**fields)

    return make


@pytest.fixture
def student(make_user: Callable[..., Any]) -> Any:
    return make_user(role="student", birth_year=2010)


@pytest.fixture
def professional(make_user: Callable[..., Any]) -> Any:
    return make_user(role="professional", verified=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _database_url_for_subprocess() -> str:
    """The URL of the test database pytest-django made, for another process to open."""
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    user = quote(config.get("USER") or "")
    password = quote(config.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{config['NAME']}"


class LiveDaphne:
    """A real daphne process serving Backstage on the test database."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.port = port
        self.process = process
        self.log = log
        self.http_url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/ws/"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _server_command(server: str, port: int) -> list[str]:
    if server == "uvicorn":
        # The frame limit of the Procfile's web command (tests/realtime/test_servers_live.py
        # runs that command itself).
        return [
            *(sys.executable, "-m", "uvicorn", "config.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--ws-max-size", "65536"),
        ]
    return [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "config.asgi:application",
    ]


def start_daphne(
    tmp_dir: Path, extra_env: dict[str, str] | None = None, *, server: str = "daphne"
) -> LiveDaphne:
    """Serve Backstage from a new process on the test database: daphne, or `server="uvicorn"`
    (the app must run under both)."""
    port = _free_port()
    log = tmp_dir / f"{server}-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHANNEL_LAYER_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "PYTHONUNBUFFERED": "1",
        "MEDIA_ROOT": str(tmp_dir / "media"),  # uploaded photos stay out of the checkout
        **(extra_env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            _server_command(server, port),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    live = LiveDaphne(port, process, log)
    # Generous: a loaded CI machine can take tens of seconds to import Django and the apps.
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server} exited early:\n{live.output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return live
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{server} did not listen within {SERVER_START_TIMEOUT} s:\n{live.output()}")


def stop_daphne(live: LiveDaphne) -> None:
    live.process.terminate()
    try:
        live.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        live.process.kill()
        live.process.wait()


@pytest.fixture(scope="session")
def live_daphne(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveDaphne]:
    """One daphne for the session. Tests that use it write data with transactional_db."""
    with django_db_blocker.unblock():
        live = start_daphne(tmp_path_factory.mktemp("daphne"))
    yield live
    stop_daphne(live)


@pytest.fixture
def celery_eager(settings: Any) -> Iterator[None]:
    """Celery tasks run in-process, as in the embedded mode, also with REDIS_URL set (where
    they would otherwise wait in Redis for a worker that these tests do not start)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
