"""Logs: the calendar-feed token and WebSocket tickets never reach a log line, read from the
output of the server commands the project ships; JSON lines when LOG_FORMAT=json."""

import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse
from websockets.asyncio.client import connect

from core.logging import REDACTED, JsonFormatter, RedactSecrets, redact
from realtime.tickets import ticket_issue
from scheduling.services.feed import calendar_feed_rotate
from tests.conftest import LiveDaphne, _free_port, stop_daphne
from tests.realtime.test_close_1009 import SHIPPED, serve


@pytest.fixture
async def thread_connections_closed() -> AsyncIterator[None]:
    """Close asgiref's worker-thread connections after the test (tests/realtime/conftest.py
    explains why)."""
    yield
    await sync_to_async(connections.close_all)()


def live(test: Callable[..., Any]) -> Any:
    """Marks a test that starts a server process on the test database."""
    test = pytest.mark.usefixtures("thread_connections_closed")(test)
    return pytest.mark.live(pytest.mark.django_db(transaction=True)(test))


def test_redact_feed_urls_and_ticket_parameters() -> None:
    feed = reverse("scheduling:calendar_feed", kwargs={"token": "s3cr3t-Tok_en"})
    assert redact(f'"GET {feed} HTTP/1.1" 200') == f'"GET /meetings/feed/{REDACTED} HTTP/1.1" 200'
    assert redact("/ws/?ticket=abc-123&x=1") == f"/ws/?ticket={REDACTED}&x=1"
    assert redact("/a?x=1&token=zz#f") == f"/a?x=1&token={REDACTED}#f"
    assert redact("/meetings/ ticketing=1") == "/meetings/ ticketing=1"  # nothing else touched


def test_filter_redacts_message_and_arguments_keeping_their_types() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/meetings/feed/abc.ics", "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record) is True  # redacts, never drops
    assert record.args == ("127.0.0.1:5", "GET", f"/meetings/feed/{REDACTED}", "1.1", 200)
    assert record.getMessage() == f'127.0.0.1:5 - "GET /meetings/feed/{REDACTED} HTTP/1.1" 200'
    mapping = logging.LogRecord("x", logging.INFO, __file__, 1, "%(p)s", None, None)
    mapping.args = {"p": "/ws/?ticket=t"}
    RedactSecrets().filter(mapping)
    assert mapping.getMessage() == f"/ws/?ticket={REDACTED}"


def test_json_formatter_adds_the_client_address_of_a_request(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/meetings/feed/x.ics", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/p",), None
    )
    record.request = request
    record.status_code = 404
    line = json.loads(JsonFormatter().format(record))
    assert line["client"] == "203.0.113.7"
    assert (line["level"], line["logger"]) == ("WARNING", "django.request")
    assert line["message"] == "Not Found: /p"
    assert line["status_code"] == 404 and "request" not in line
    assert {"time", "process"} <= set(line)


async def _visit(live_server: LiveDaphne, feed_token: str, ticket: str) -> None:
    async with httpx.AsyncClient(base_url=live_server.http_url) as http:
        found = await http.get(f"/meetings/feed/{feed_token}.ics")
        assert found.status_code == 200, found.text
        missing = await http.get(f"/meetings/feed/{feed_token}x.ics")
        assert missing.status_code == 404
    async with connect(f"{live_server.ws_url}?ticket={ticket}") as ws:
        assert json.loads(await ws.recv())["type"] == "joined"


async def _run_shipped(
    server: str, tmp_path: Path, user: Any, extra_env: dict[str, str] | None = None
) -> tuple[str, list[str]]:
    """Serve with a shipped command, fetch a feed (found and not), open a socket with a ticket,
    stop the server (so every line is written) and return its output and the secrets used."""
    feed_token = (await sync_to_async(calendar_feed_rotate)(user=user)).token
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    port = _free_port()
    running = await sync_to_async(serve)(
        SHIPPED[server](port), port, tmp_path / "server.log", extra_env
    )
    try:
        await _visit(running, feed_token, ticket)
    finally:
        stop_daphne(running)
    return running.output(), [feed_token, ticket]


@live
@pytest.mark.parametrize("server", list(SHIPPED))
async def test_shipped_servers_log_no_feed_token_and_no_ticket(
    server: str, tmp_path: Path, student: Any
) -> None:
    output, used = await _run_shipped(server, tmp_path, student)
    assert f"/meetings/feed/{REDACTED}" in output  # the requests were logged, redacted
    for secret in used:
        assert secret not in output
    if server.startswith("uvicorn"):
        assert f"/ws/?ticket={REDACTED}" in output  # uvicorn logs the socket's query string


@live
@pytest.mark.parametrize("server", list(SHIPPED))
async def test_log_format_json_writes_json_lines(server: str, tmp_path: Path, student: Any) -> None:
    output, used = await _run_shipped(server, tmp_path, student, {"LOG_FORMAT": "json"})
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    by_logger: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_logger.setdefault(line["logger"], []).append(line)
    access = "daphne.access" if server.startswith("daphne") else "uvicorn.access"
    assert any("/meetings/feed/" in line["message"] for line in by_logger[access])
    (not_found,) = by_logger["django.request"]
    assert not_found["client"] == "127.0.0.1"
    assert not_found["message"] == f"Not Found: /meetings/feed/{REDACTED}"
    for secret in used:
        assert secret not in output
