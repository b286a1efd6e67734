"""PostgreSQL connections stay bounded: each web process holds at most DB_POOL_SIZE, under a
burst, on the servers as the project runs them; and a database that refuses is a 503."""

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import LiveDaphne, start_daphne, stop_daphne

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

POOL_SIZE = 4
BURST = 200


def _requires_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("connection limits are PostgreSQL's")


class ConnectionCounter:
    """Samples pg_stat_activity for one application_name, on a connection of its own."""

    def __init__(self, application_name: str) -> None:
        config = connection.settings_dict
        self.application_name = application_name
        self._db = psycopg.connect(
            dbname=config["NAME"],
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            autocommit=True,
        )
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def count(self) -> int:
        row = self._db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [self.application_name],
        ).fetchone()
        return int(row[0]) if row else 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.count())
            self._stop.wait(0.01)

    def __enter__(self) -> "ConnectionCounter":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.count())
        self._db.close()


@pytest.fixture
def two_servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[str, list[LiveDaphne]]]:
    _requires_postgresql()
    name = f"backstage-test-{uuid.uuid4().hex[:8]}"
    env = {"DB_APPLICATION_NAME": name, "DB_POOL_SIZE": str(POOL_SIZE), "DB_POOL_MIN_SIZE": "1"}
    servers = [start_daphne(tmp_path, env, server="uvicorn"), start_daphne(tmp_path, env)]
    yield name, servers
    for server in servers:
        stop_daphne(server)


def test_two_processes_under_a_burst_stay_within_their_pools(
    two_servers: tuple[str, list[LiveDaphne]], student: Any
) -> None:
    name, servers = two_servers
    token = Token.objects.create(user=student).key
    headers = {"Authorization": f"Token {token}"}

    def call(n: int) -> int:
        server = servers[n % 2]
        path = "/api/me/" if n % 4 else "/healthz"
        with httpx.Client(base_url=server.http_url, timeout=60) as http:
            return http.get(path, headers=headers).status_code

    with ConnectionCounter(name) as counter, ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(call, range(BURST)))
    assert statuses.count(200) == BURST, sorted(set(statuses))
    assert 0 < counter.peak <= 2 * POOL_SIZE
    # Forty calls one after the other leave no more open than the pools' minimum allows.
    with httpx.Client(base_url=servers[0].http_url, timeout=60) as http:
        for _ in range(40):
            assert http.get("/api/me/", headers=headers).status_code == 200
    with ConnectionCounter(name) as counter:
        pass
    assert counter.peak <= 2 * POOL_SIZE


def test_a_pool_that_runs_out_answers_503_not_500(
    transactional_db: None, tmp_path: Path, student: Any
) -> None:
    _requires_postgresql()
    env = {"DB_POOL_SIZE": "1", "DB_POOL_MIN_SIZE": "1", "DB_POOL_TIMEOUT": "0.001"}
    server = start_daphne(tmp_path, env, server="uvicorn")
    token = Token.objects.create(user=student).key
    try:

        def call(_n: int) -> httpx.Response:
            with httpx.Client(base_url=server.http_url, timeout=60) as http:
                return http.get("/api/me/", headers={"Authorization": f"Token {token}"})

        with ThreadPoolExecutor(max_workers=40) as pool:
            responses = list(pool.map(call, range(120)))
    finally:
        stop_daphne(server)
    statuses = {response.status_code for response in responses}
    assert statuses <= {200, 503}, statuses
    refused = [response for response in responses if response.status_code == 503]
    assert refused, "the burst never ran the pool out"
    assert refused[0].headers["Retry-After"] == "10"
    assert refused[0].json()["error"]["code"] == "unavailable"


@pytest.fixture
def refused_server(tmp_path: Path) -> Iterator[LiveDaphne]:
    # Port 9 (discard): nothing accepts there, as when the database refuses connections.
    server = start_daphne(
        tmp_path, {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"}, server="uvicorn"
    )
    yield server
    stop_daphne(server)


def test_a_database_that_refuses_is_503_everywhere(refused_server: LiveDaphne) -> None:
    with httpx.Client(base_url=refused_server.http_url, timeout=60) as http:
        health = http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"
        api = http.get("/api/me/", headers={"Authorization": "Token 0123456789abcdef"})
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "10"
        assert api.json()["error"]["code"] == "unavailable"
        form = http.get("/login/")
        csrf = http.cookies["csrftoken"]
        page = http.post(
            "/login/",
            data={"username": "someone", "password": "x", "csrfmiddlewaretoken": csrf},
        )
        assert form.status_code == 200
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "10"
        assert page.headers["Content-Type"].startswith("text/html")
