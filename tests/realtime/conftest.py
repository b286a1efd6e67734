"""Helpers for gateway tests: a WebSocket client on the real ASGI app, a probe topic handler."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from pydantic import Field

from config.asgi import application
from realtime import registry
from realtime.context import Context
from realtime.errors import GatewayError
from realtime.registry import JoinResult, LeaveReason, TopicHandler, frame
from realtime.schemas import EmptyData, FrameData, Payload
from realtime.tickets import ticket_issue
from realtime.topics import Topic


class WsClient:
    """A test client speaking the gateway protocol over a WebsocketCommunicator."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.received: list[dict[str, Any]] = []
        self._refs = 0

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.send_text(json.dumps(frame))

    async def recv(self, timeout: float = 2) -> dict[str, Any]:
        output = await self.communicator.receive_output(timeout)
        assert output["type"] == "websocket.send", output
        message: dict[str, Any] = json.loads(output["text"])
        self.received.append(message)
        return message

    async def request(
        self, frame_type: str, topic: str, data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send a frame with a fresh ref and return its reply (pushes seen meanwhile are kept)."""
        self._refs += 1
        ref = f"r{self._refs}"
        frame: dict[str, Any] = {"type": frame_type, "topic": topic, "ref": ref}
        if data is not None:
            frame["data"] = data
        await self.send(frame)
        return await self.reply_to(ref)

    async def reply_to(self, ref: str | None) -> dict[str, Any]:
        while True:
            message = await self.recv()
            if message["type"] == "reply":
                assert message["ref"] == ref, message
                return message

    async def push(self, timeout: float = 2) -> dict[str, Any]:
        message = await self.recv(timeout)
        assert message["type"] not in ("reply", "ping"), message
        return message

    async def silent(self, timeout: float = 0.3) -> bool:
        return bool(await self.communicator.receive_nothing(timeout))

    async def closed_with(self, timeout: float = 2) -> int:
        """Skip pings and return the code of the close that must follow."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return int(output.get("code", 1000))
            assert json.loads(output["text"])["type"] == "ping", output


def error_code(reply: dict[str, Any]) -> str:
    assert reply["type"] == "reply" and reply["ok"] is False, reply
    assert set(reply) == {"type", "ref", "ok", "error"}, reply
    assert reply["error"]["message"], reply
    code: str = reply["error"]["code"]
    return code


OpenWs = Callable[..., Awaitable[WsClient]]


@pytest.fixture
async def channel_layer(settings: Any) -> AsyncIterator[Any]:
    """A fresh layer per test (bound to this test's event loop) with its own Redis prefix."""
    layers = {alias: dict(config) for alias, config in django_settings.CHANNEL_LAYERS.items()}
    config = dict(layers["default"].get("CONFIG", {}))
    if "hosts" in config:
        config["prefix"] = f"test-{uuid.uuid4().hex[:10]}"
    layers["default"]["CONFIG"] = config
    settings.CHANNEL_LAYERS = layers  # also drops the cached layer instances
    layer = get_channel_layer()
    yield layer
    await layer.flush()
    channel_layers.backends.clear()


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


@pytest.fixture
async def open_ws(channel_layer: Any, thread_connections_closed: None) -> AsyncIterator[OpenWs]:
    """open_ws(user) connects with a fresh ticket; open_ws(query=..., cookie_user=..., origin=...)
    connects exactly as told. Returns a WsClient once the handshake is accepted."""
    opened: list[WebsocketCommunicator] = []

    async def open_(
        user: Any = None,
        *,
        query: str = "",
        cookie_user: Any = None,
        cookie_header: str | None = None,
        origin: str | None = None,
        path: str = "/ws/",
    ) -> WsClient:
        if user is not None:
            issued = await sync_to_async(ticket_issue)(user=user)
            query = f"ticket={issued.ticket}"
        headers = []
        if cookie_user is not None:
            cookie = await sync_to_async(session_cookie)(cookie_user)
            headers.append((b"cookie", cookie.encode()))
        if cookie_header is not None:
            headers.append((b"cookie", cookie_header.encode()))
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        target = f"{path}?{query}" if query else path
        communicator = WebsocketCommunicator(application, target, headers=headers)
        opened.append(communicator)
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        return WsClient(communicator)

    yield open_
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture
async def thread_connections_closed() -> AsyncIterator[None]:
    """Close the database connections of asgiref's worker thread after the test: with
    CONN_MAX_AGE they would outlive it and block dropping the PostgreSQL test database."""
    yield
    await sync_to_async(connections.close_all)()


async def joined_user(open_ws: OpenWs, user: Any) -> WsClient:
    """Connect as `user` and consume the `joined` push of their user topic."""
    client = await open_ws(user)
    assert await client.push() == {"type": "joined", "topic": f"user:{user.pk}", "data": {}}
    return client


# --- a topic handler that exercises every part of the registry -------------------------------


class ProbeJoin(FrameData):
    last_seq: int | None = None


class Echo(FrameData):
    text: str = Field(min_length=1, max_length=10)
    times: int = 1


class Queued(FrameData):
    text: str = Field(min_length=1, max_length=10)
    hold: bool = False  # answer only once the test calls ProbeHandler.release()


class ProbeHandler(TopicHandler):
    kind = "probe"
    join_schema = ProbeJoin

    def __init__(self) -> None:
        self.leaves: list[tuple[str, str, LeaveReason]] = []
        self.handled: list[tuple[str, str]] = []
        self.refuse_rejoin = False
        self._released: asyncio.Event | None = None

    def release(self) -> None:
        """Let the held `probe.queued` frames be answered."""
        self._gate().set()

    def _gate(self) -> asyncio.Event:
        if self._released is None:
            self._released = asyncio.Event()
        return self._released

    async def join(self, ctx: Context, topic: Topic, data: ProbeJoin) -> JoinResult | Payload:
        if topic.id == "closed" or (self.refuse_rejoin and ctx.is_joined(topic)):
            raise GatewayError("forbidden", "This probe is closed.")
        if topic.id == "boom":
            raise RuntimeError("probe join exploded")
        if data.last_seq is not None:
            return JoinResult(data={"history": [], "from": data.last_seq}, seq=data.last_seq)
        return {"connection_id": ctx.connection_id}

    async def leave(self, ctx: Context, topic: Topic, reason: LeaveReason) -> None:
        self.leaves.append((ctx.connection_id, str(topic), reason))

    @frame("echo", Echo)
    async def echo(self, ctx: Context, topic: Topic, data: Echo) -> Payload:
        self.handled.append(("echo", data.text))
        return {"text": data.text * data.times, "user": ctx.user.pk}

    @frame("probe.crash", EmptyData)
    async def crash(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        raise RuntimeError("probe handler exploded")

    @frame("probe.conflict", EmptyData)
    async def conflict(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        raise GatewayError("conflict", "Already done.")

    @frame("probe.self_push", EmptyData)
    async def self_push(self, ctx: Context, topic: Topic, data: EmptyData) -> None:
        await ctx.push(topic, "probe.note", {"for": ctx.connection_id})
        ctx.topic_state(topic)["pushed"] = True

    @frame("probe.state", EmptyData)
    async def state(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        return {"state": dict(ctx.topic_state(topic)), "channel": ctx.channel_name}

    @frame("probe.queued", Queued, pipelined=True)
    async def queued(self, ctx: Context, topic: Topic, data: Queued) -> Payload:
        self.handled.append(("queued", data.text))  # its turn, taken before it waits
        if data.hold:
            await self._gate().wait()
        return {"text": data.text}

    @frame("probe.slow", EmptyData)
    async def slow(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        await asyncio.sleep(0.3)
        return {}


@pytest.fixture
def probe() -> Iterator[ProbeHandler]:
    handler = ProbeHandler()
    registry.register(handler)
    yield handler
    registry.unregister("probe")
