"""Chat across two real daphne processes sharing a private Redis, and a Redis restart.

This is how production scales out: clients on different processes talk to each other, and
the database, not the channel layer, is the record.
"""

import asyncio
import contextlib
import itertools
import json
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import ClientConnection, connect

from chat.models import Message
from realtime.tickets import ticket_issue
from tests.chat.conftest import empty_conversation
from tests.conftest import LiveDaphne, start_daphne, stop_daphne

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class PrivateRedis:
    """A redis-server of this test only, on a free port, without persistence."""

    def __init__(self, tmp_dir: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port: int = sock.getsockname()[1]
        self.tmp_dir = tmp_dir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def two_daphnes(
    transactional_db: None, tmp_path: Path
) -> Iterator[tuple[LiveDaphne, LiveDaphne, PrivateRedis]]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {
        "REDIS_URL": redis.url,
        "CHANNEL_LAYER_PREFIX": f"chat-{uuid.uuid4().hex[:8]}",
        "CHAT_PRESENCE_GRACE_SECONDS": "0.5",  # presence tests wait for departures
    }
    first = start_daphne(tmp_path, env)
    second = start_daphne(tmp_path, env)
    yield first, second, redis
    stop_daphne(first)
    stop_daphne(second)
    redis.stop()


class Client:
    """A `websockets` client speaking the gateway protocol, keeping pushes per type."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.refs = 0
        self.seqs: list[int] = []  # seqs of message.new / history, in arrival order

    async def recv(self, timeout: float = 10) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] == "message.new":
                self.seqs.append(message["data"]["seq"])
            return message

    async def request(self, frame_type: str, topic: str, data: Any = None) -> dict[str, Any]:
        self.refs += 1
        ref = f"r{self.refs}"
        frame: dict[str, Any] = {"type": frame_type, "topic": topic, "ref": ref}
        if data is not None:
            frame["data"] = data
        await self.ws.send(json.dumps(frame))
        while True:
            message = await self.recv()
            if message["type"] == "reply" and message["ref"] == ref:
                if frame_type == "join" and message["ok"]:
                    self.seqs.extend(m["seq"] for m in message["data"]["history"])
                return message

    async def until_seq(self, seq: int, timeout: float = 15) -> None:
        """Read until every seq up to `seq` has arrived (in whatever order)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not set(range(1, seq + 1)) <= set(self.seqs):
            await self.recv(max(0.1, deadline - asyncio.get_running_loop().time()))

    async def until_last(self, seq: int, timeout: float) -> None:
        """Read until `seq` itself arrives, whatever came before it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while seq not in self.seqs:
            await self.recv(max(0.05, deadline - asyncio.get_running_loop().time()))

    async def settle(self, quiet: float = 0.3) -> None:
        """Read until nothing arrives for `quiet` seconds (to catch late duplicates)."""
        with contextlib.suppress(TimeoutError):
            while True:
                await self.recv(quiet)


async def open_client(live: LiveDaphne, user: Any) -> Client:
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    ws = await connect(f"{live.ws_url}?ticket={ticket}")
    client = Client(ws)
    assert (await client.recv())["type"] == "joined"
    return client


async def test_clients_on_two_processes_talk(
    two_daphnes: tuple[LiveDaphne, LiveDaphne, PrivateRedis], student: Any, professional: Any
) -> None:
    first, second, _redis = two_daphnes
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await open_client(first, student)
    bob = await open_client(second, professional)
    assert (await alice.request("join", dm.topic))["ok"]
    assert (await bob.request("join", dm.topic))["ok"]

    sent = await alice.request("message.send", dm.topic, {"body": "hi", "client_id": "a1"})
    assert sent["ok"] and sent["data"]["seq"] == 1
    await bob.until_seq(1)
    answer = await bob.request("message.send", dm.topic, {"body": "hello", "client_id": "b1"})
    assert answer["data"]["seq"] == 2
    await alice.until_seq(2)
    await bob.until_seq(2)  # the sender's own socket gets the push too, after its reply
    assert alice.seqs == [1, 2] and bob.seqs == [1, 2]
    await alice.ws.close()
    await bob.ws.close()


async def test_concurrent_senders_on_two_processes(
    two_daphnes: tuple[LiveDaphne, LiveDaphne, PrivateRedis], make_user: Any
) -> None:
    """100 messages from 10 clients spread over two processes → seq 1..100, no gap, and
    every client receives all of them in order."""
    first, second, _redis = two_daphnes
    users = [await sync_to_async(make_user)() for _ in range(10)]
    chat = await sync_to_async(empty_conversation)(*users)
    clients = [await open_client(first if n % 2 else second, user) for n, user in enumerate(users)]
    for client in clients:
        assert (await client.request("join", chat.topic))["ok"]

    async def sender(index: int, client: Client) -> list[int]:
        refs = {}
        for n in range(10):
            ref = f"s{n}"
            refs[ref] = n
            frame = {
                "type": "message.send",
                "topic": chat.topic,
                "ref": ref,
                "data": {"body": f"{index}/{n}", "client_id": f"{index}-{n}"},
            }
            await client.ws.send(json.dumps(frame))
        seqs: list[int] = []
        while len(seqs) < 10:
            message = await client.recv(20)
            if message["type"] == "reply":
                assert message["ok"], message
                seqs.append(message["data"]["seq"])
        return seqs

    results = await asyncio.gather(*(sender(n, c) for n, c in enumerate(clients)))
    assert sorted(s for seqs in results for s in seqs) == list(range(1, 101))
    for client in clients:
        await client.until_seq(100)
        await client.settle()
        # Every message once. Pushes published by two processes may cross on the way (each
        # publishes after its own commit), so clients order by seq: the contract's order.
        assert sorted(client.seqs) == list(range(1, 101))
        await client.ws.close()
    stored = await sync_to_async(
        lambda: sorted(Message.objects.filter(conversation=chat).values_list("seq", flat=True))
    )()
    assert stored == list(range(1, 101))


async def test_resume_on_the_other_process(
    two_daphnes: tuple[LiveDaphne, LiveDaphne, PrivateRedis], student: Any, professional: Any
) -> None:
    first, second, _redis = two_daphnes
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await open_client(first, student)
    bob = await open_client(first, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic)
    await alice.request("message.send", dm.topic, {"body": "one", "client_id": "1"})
    await bob.until_seq(1)
    await bob.ws.close()  # phone in a tunnel
    for n in range(2, 7):
        await alice.request("message.send", dm.topic, {"body": str(n), "client_id": str(n)})
    bob2 = await open_client(second, professional)  # back, on another process
    resumed = await bob2.request("join", dm.topic, {"last_seq": 1})
    assert [m["seq"] for m in resumed["data"]["history"]] == [2, 3, 4, 5, 6]
    # A resend of an acknowledged message after reconnecting stores nothing new.
    again = await alice.request("message.send", dm.topic, {"body": "6", "client_id": "6"})
    assert again["data"]["seq"] == 6
    await alice.request("message.send", dm.topic, {"body": "7", "client_id": "7"})
    await bob2.until_last(7, timeout=15)
    await bob2.settle()
    assert bob2.seqs == [2, 3, 4, 5, 6, 7]
    await alice.ws.close()
    await bob2.ws.close()


async def test_redis_restart_loses_nothing_acknowledged(
    two_daphnes: tuple[LiveDaphne, LiveDaphne, PrivateRedis], student: Any, professional: Any
) -> None:
    """Redis (without persistence) restarts mid-conversation. Messages sent meanwhile are
    committed and acknowledged; the receiver sees a gap in `seq` when pushes flow again and
    fills it by re-joining with `last_seq`. Nothing acknowledged is lost or duplicated."""
    first, second, redis = two_daphnes
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await open_client(first, student)
    bob = await open_client(second, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic)
    await alice.request("message.send", dm.topic, {"body": "before", "client_id": "b"})
    await bob.until_seq(1)

    redis.stop()
    await asyncio.sleep(0.2)
    acknowledged = [1]
    for n in range(3):
        reply = await alice.request(
            "message.send", dm.topic, {"body": "down", "client_id": f"d{n}"}
        )
        assert reply["ok"], reply  # committed, even though the push could not go out
        acknowledged.append(reply["data"]["seq"])
    redis.start()

    # Keep writing until pushes flow again (the layer re-subscribes after reconnecting).
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    n = 0
    while loop.time() < deadline:
        n += 1
        reply = await alice.request("message.send", dm.topic, {"body": "up", "client_id": f"u{n}"})
        acknowledged.append(reply["data"]["seq"])
        try:
            await bob.until_last(reply["data"]["seq"], timeout=1)
            break
        except TimeoutError:
            continue
    else:
        pytest.fail("pushes never resumed after the Redis restart")

    # The client saw a gap and re-joins from the last seq it has before the gap.
    have = sorted(set(bob.seqs))
    last_contiguous = next(
        (prev for prev, nxt in itertools.pairwise(have) if nxt != prev + 1), have[-1]
    )
    assert last_contiguous < have[-1]  # the outage did lose pushes
    kept = [s for s in bob.seqs if s <= last_contiguous]
    bob.seqs = kept
    rejoined = await bob.request("join", dm.topic, {"last_seq": last_contiguous})
    assert rejoined["ok"]
    await bob.until_seq(acknowledged[-1])
    await bob.settle()
    assert sorted(bob.seqs) == acknowledged == list(range(1, acknowledged[-1] + 1))

    # And the reconnected sockets of both processes keep working in both directions.
    back = await bob.request("message.send", dm.topic, {"body": "ok?", "client_id": "back"})
    await alice.until_last(back["data"]["seq"], timeout=10)
    await alice.ws.close()
    await bob.ws.close()
