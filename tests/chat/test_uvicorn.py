"""Backstage under uvicorn (the Procfile's web) as well as daphne (`make run`): one process
of each, sharing a private Redis, with clients on both talking to each other."""

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from realtime.tickets import ticket_issue
from tests.chat.conftest import empty_conversation
from tests.chat.test_live import PrivateRedis, open_client
from tests.conftest import LiveDaphne, start_daphne, stop_daphne

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def daphne_and_uvicorn(
    transactional_db: None, tmp_path: Path
) -> Iterator[tuple[LiveDaphne, LiveDaphne]]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url, "CHANNEL_LAYER_PREFIX": f"uv-{uuid.uuid4().hex[:8]}"}
    daphne = start_daphne(tmp_path, env)
    uvicorn = start_daphne(tmp_path, env, server="uvicorn")
    yield daphne, uvicorn
    stop_daphne(daphne)
    stop_daphne(uvicorn)
    redis.stop()


async def test_clients_on_daphne_and_uvicorn_chat(
    daphne_and_uvicorn: tuple[LiveDaphne, LiveDaphne], student: Any, professional: Any
) -> None:
    daphne, uvicorn = daphne_and_uvicorn
    async with httpx.AsyncClient(base_url=uvicorn.http_url) as http:
        assert (await http.get("/healthz")).status_code == 200
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await open_client(uvicorn, student)
    bob = await open_client(daphne, professional)
    assert (await alice.request("join", dm.topic))["ok"]
    assert (await bob.request("join", dm.topic))["ok"]
    for n in range(1, 6):
        sent = await alice.request(
            "message.send", dm.topic, {"body": f"a{n}", "client_id": f"a{n}"}
        )
        assert sent["ok"] and sent["data"]["seq"] == n
    await bob.until_seq(5)
    reply = await bob.request("message.send", dm.topic, {"body": "hello", "client_id": "b1"})
    assert reply["data"]["seq"] == 6
    await alice.until_seq(6)
    await alice.settle()
    await bob.settle()
    assert sorted(alice.seqs) == sorted(bob.seqs) == [1, 2, 3, 4, 5, 6]  # once each
    await alice.ws.close()

    # A reconnect to uvicorn resumes from the database like one to daphne.
    again = await open_client(uvicorn, student)
    resumed = await again.request("join", dm.topic, {"last_seq": 4})
    assert [m["seq"] for m in resumed["data"]["history"]] == [5, 6]
    await again.ws.close()
    await bob.ws.close()


async def test_uvicorn_refuses_oversized_frames_with_1009(
    daphne_and_uvicorn: tuple[LiveDaphne, LiveDaphne], student: Any
) -> None:
    _daphne, uvicorn = daphne_and_uvicorn
    ticket = await sync_to_async(lambda: ticket_issue(user=student).ticket)()
    async with connect(f"{uvicorn.ws_url}?ticket={ticket}", max_size=None) as ws:
        assert json.loads(await ws.recv())["type"] == "joined"
        await ws.send(json.dumps({"type": "ping", "ref": "x", "data": {"pad": "x" * 70_000}}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
