"""The gateway behind a real daphne, spoken to with the `websockets` client."""

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from realtime.tickets import ticket_issue
from tests.conftest import LiveDaphne, start_daphne, stop_daphne
from tests.realtime.conftest import session_cookie

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


async def recv_json(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message


async def close_code(ws: ClientConnection, timeout: float = 5) -> int:
    """Read (skipping pings) until the server closes; return its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = await recv_json(ws, timeout)
            assert message["type"] == "ping", message
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


@pytest.fixture
def ticket(student) -> str:
    return ticket_issue(user=student).ticket


async def test_rest_ticket_then_socket(live_daphne: LiveDaphne, student) -> None:
    token = await sync_to_async(lambda: Token.objects.create(user=student).key)()
    async with httpx.AsyncClient(base_url=live_daphne.http_url) as http:
        response = await http.post("/api/ws-ticket/", headers={"Authorization": f"Token {token}"})
        assert response.status_code == 200, response.text
        issued = response.json()
        refused = await http.post("/api/ws-ticket/")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
    assert issued["expires_in"] == 60

    async with connect(f"{live_daphne.ws_url}?ticket={issued['ticket']}") as ws:
        assert await recv_json(ws) == {"type": "joined", "topic": f"user:{student.pk}", "data": {}}
        await ws.send("{not json")
        bad = await recv_json(ws)
        assert (bad["ref"], bad["ok"], bad["error"]["code"]) == (None, False, "bad_request")
        await ws.send(json.dumps({"type": "join", "topic": f"user:{student.pk}", "ref": "c1"}))
        assert await recv_json(ws) == {"type": "reply", "ref": "c1", "ok": True, "data": {}}
        other = {"type": "join", "topic": f"user:{student.pk + 1}", "ref": "c2"}
        await ws.send(json.dumps(other))
        assert (await recv_json(ws))["error"]["code"] == "forbidden"

    # The ticket was spent by that socket.
    async with connect(f"{live_daphne.ws_url}?ticket={issued['ticket']}") as ws:
        assert await close_code(ws) == 4401


@pytest.mark.parametrize("query", ["", "?ticket=bogus"])
async def test_bad_or_missing_ticket_closes_4401(live_daphne: LiveDaphne, query: str) -> None:
    async with connect(live_daphne.ws_url + query) as ws:
        assert await close_code(ws) == 4401


async def test_browser_session_and_origin(live_daphne: LiveDaphne, student) -> None:
    cookie = await sync_to_async(session_cookie)(student)
    headers = {"Cookie": cookie}
    good_origin = Origin(f"http://localhost:{live_daphne.port}")
    async with connect(live_daphne.ws_url, origin=good_origin, additional_headers=headers) as ws:
        assert (await recv_json(ws))["topic"] == f"user:{student.pk}"
    async with connect(
        live_daphne.ws_url, origin=Origin("https://evil.example"), additional_headers=headers
    ) as ws:
        assert await close_code(ws) == 4403
    assert "evil.example" in live_daphne.output()


async def test_oversized_frame_closes_1009(live_daphne: LiveDaphne, ticket: str) -> None:
    async with connect(f"{live_daphne.ws_url}?ticket={ticket}") as ws:
        assert (await recv_json(ws))["type"] == "joined"
        await ws.send(json.dumps({"type": "pong", "pad": "x" * (64 * 1024)}))
        assert await close_code(ws) == 1009


async def test_binary_frame_is_bad_request(live_daphne: LiveDaphne, ticket: str) -> None:
    async with connect(f"{live_daphne.ws_url}?ticket={ticket}") as ws:
        await recv_json(ws)
        await ws.send(b"\x00\x01")
        assert (await recv_json(ws))["error"]["code"] == "bad_request"


@pytest.fixture
def fast_daphne(transactional_db: None, tmp_path: Path) -> Iterator[tuple[LiveDaphne, str]]:
    """A daphne with second-scale keep-alive, on a channel-layer prefix this test knows."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    live = start_daphne(
        tmp_path,
        {
            "WS_IDLE_TIMEOUT_SECONDS": "1",
            "WS_PING_INTERVAL_SECONDS": "0.3",
            "CHANNEL_LAYER_PREFIX": prefix,
        },
    )
    yield live, prefix
    stop_daphne(live)


async def test_pings_then_idle_close_4408(fast_daphne: tuple[LiveDaphne, str], ticket: str) -> None:
    live, _prefix = fast_daphne
    async with connect(f"{live.ws_url}?ticket={ticket}") as ws:
        assert (await recv_json(ws))["type"] == "joined"
        # Answering pings keeps it open past the idle timeout...
        loop = asyncio.get_running_loop()
        until = loop.time() + 2
        while loop.time() < until:
            ping = await recv_json(ws)
            assert ping["type"] == "ping" and isinstance(ping["data"]["ts"], int)
            await ws.send(json.dumps({"type": "pong"}))
        # ...and silence closes it.
        started = loop.time()
        assert await close_code(ws) == 4408
        assert loop.time() - started < 3


@pytest.mark.skipif(
    "hosts" not in settings.CHANNEL_LAYERS["default"].get("CONFIG", {}),
    reason="the in-memory channel layer does not cross processes",
)
async def test_push_from_another_process_through_redis(
    fast_daphne: tuple[LiveDaphne, str], ticket: str, student, settings
) -> None:
    from realtime.broadcast import push_on_commit

    live, prefix = fast_daphne
    layers = {"default": {**settings.CHANNEL_LAYERS["default"]}}
    layers["default"]["CONFIG"] = {**layers["default"]["CONFIG"], "prefix": prefix}
    settings.CHANNEL_LAYERS = layers
    async with connect(f"{live.ws_url}?ticket={ticket}") as ws:
        assert (await recv_json(ws))["type"] == "joined"
        await sync_to_async(push_on_commit)(f"user:{student.pk}", "notification.new", {"n": 1})
        message = await recv_json(ws)
        while message["type"] == "ping":
            message = await recv_json(ws)
        assert message == {
            "type": "notification.new",
            "topic": f"user:{student.pk}",
            "data": {"n": 1},
        }
