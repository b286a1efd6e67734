"""`/metrics`: operators only, and the gateway's counters move with a real session against a
live server (one process, then two uvicorn workers sharing a port in multiprocess mode)."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from core import metrics
from realtime import broadcast
from realtime.tickets import ticket_issue
from tests.conftest import LiveDaphne, _free_port, start_daphne, stop_daphne
from tests.realtime.test_close_1009 import procfile_web, serve

TOKEN = "operators-only-0123456789"


@pytest.fixture
def token(settings: Any) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.mark.django_db
def test_metrics_are_off_without_a_token(settings: Any, make_user: Any) -> None:
    settings.METRICS_TOKEN = ""
    client = Client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    client.force_login(make_user(is_staff=True))
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_answer_a_bearer_token_or_a_staff_session(token: str, make_user: Any) -> None:
    stranger = Client()
    assert stranger.get("/metrics").status_code == 404
    assert stranger.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert stranger.get("/metrics", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 404
    assert stranger.post("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    scraper = stranger.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert scraper.status_code == 200
    assert scraper["Content-Type"].startswith("text/plain")
    assert "backstage_ws_connections_open" in scraper.content.decode()
    member = Client()
    member.force_login(make_user())
    assert member.get("/metrics").status_code == 404
    staff = Client()
    staff.force_login(make_user(is_staff=True))
    assert staff.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_database_time_is_measured_per_query() -> None:
    connection.ensure_connection()
    assert metrics.time_query in connection.execute_wrappers
    before = REGISTRY.get_sample_value("backstage_db_query_seconds_count") or 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert REGISTRY.get_sample_value("backstage_db_query_seconds_count") == before + 1


async def test_pushes_are_counted_by_topic_kind() -> None:
    def count() -> float:
        return REGISTRY.get_sample_value("backstage_pushes_total", {"kind": "user"}) or 0

    before = count()
    await broadcast.push("user:1", "note", {"n": 1})
    await broadcast.evict("user:1")  # an eviction is no push
    assert count() == before + 1


def test_a_tally_reaches_its_counter_on_flush() -> None:
    value = "backstage_ws_frames_sent_total"
    metrics.flush()
    before = REGISTRY.get_sample_value(value) or 0
    for _ in range(3):
        metrics.FRAMES_SENT.add()
    assert REGISTRY.get_sample_value(value) == before  # nothing yet: an integer moved
    metrics.flush()
    assert REGISTRY.get_sample_value(value) == before + 3


# --- against live servers --------------------------------------------------------------------


@pytest.fixture
async def thread_connections_closed() -> AsyncIterator[None]:
    """Close asgiref's worker-thread connections (tests/realtime/conftest.py says why)."""
    yield
    await sync_to_async(connections.close_all)()


def _scrape(server: LiveDaphne) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"{server.http_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _total(scraped: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    """A metric summed over its labels (the processes' `pid` in multiprocess mode)."""
    return sum(value for (sample, _labels), value in scraped.items() if sample == name)


async def _session(server: LiveDaphne, user: Any) -> Any:
    """A socket that joined its user topic and got a bad_request: 2 frames in, 3 out."""
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    ws = await connect(f"{server.ws_url}?ticket={ticket}")
    assert json.loads(await ws.recv())["type"] == "joined"
    await ws.send(json.dumps({"type": "join", "topic": f"user:{user.pk}", "ref": "j"}))
    assert json.loads(await ws.recv())["ok"] is True
    await ws.send("{not json")
    assert json.loads(await ws.recv())["error"]["code"] == "bad_request"
    return ws


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("thread_connections_closed")
async def test_a_session_moves_the_counters_of_a_live_server(tmp_path: Path, student: Any) -> None:
    server = await sync_to_async(start_daphne)(tmp_path, {"METRICS_TOKEN": TOKEN})
    try:
        before = await sync_to_async(_scrape)(server)
        ws = await _session(server, student)
        during = await sync_to_async(_scrape)(server)
        await ws.close()
    finally:
        stop_daphne(server)

    def moved(name: str) -> float:
        return _total(during, name) - _total(before, name)

    assert _total(before, "backstage_ws_connections_open") == 0
    assert _total(during, "backstage_ws_connections_open") == 1
    assert moved("backstage_ws_frames_received_total") == 2
    assert moved("backstage_ws_frames_sent_total") == 3
    key = ("backstage_errors_total", (("code", "bad_request"), ("source", "ws")))
    assert during[key] - before.get(key, 0) == 1
    assert moved("backstage_db_query_seconds_count") > 0  # the ticket was redeemed
    assert moved("backstage_db_query_seconds_sum") > 0
    assert _total(during, "process_resident_memory_bytes") > 0  # the process's own figures


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("thread_connections_closed")
async def test_workers_sharing_a_port_report_together_in_multiprocess_mode(
    tmp_path: Path, student: Any
) -> None:
    """The Procfile's web command with two workers: whichever answers the scrape reports the
    socket the other may hold."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {"METRICS_TOKEN": TOKEN, "WEB_CONCURRENCY": "2"}
    env["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    port = _free_port()
    server = await sync_to_async(serve)(procfile_web(port), port, tmp_path / "web.log", env)
    try:
        ws = await _session(server, student)
        scraped = await sync_to_async(_scrape)(server)
        opened = {
            labels: value
            for (name, labels), value in scraped.items()
            if name == "backstage_ws_connections_open"
        }
        assert sum(opened.values()) == 1 and all(dict(labels)["pid"] for labels in opened)
        # Frame counts reach the shared files at the socket's process's next flush: wait for
        # it (the test's own timeout bounds the wait).
        while _total(scraped, "backstage_ws_frames_received_total") < 2:
            await asyncio.sleep(metrics.FLUSH_SECONDS / 4)  # pacing only
            scraped = await sync_to_async(_scrape)(server)
        assert _total(scraped, "backstage_ws_frames_sent_total") >= 3
        await ws.close()
    finally:
        stop_daphne(server)
