"""Rooms fixtures: rooms made through the services, and the gateway test client."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import services as chat_services
from rooms import services
from rooms.peercache import peer_cache_forget_all
from tests.realtime.conftest import (  # noqa: F401  (fixtures, re-exported for tests/rooms)
    OpenWs,
    WsClient,
    channel_layer,
    joined_user,
    open_ws,
    thread_connections_closed,
)
from tests.scheduling.conftest import (  # noqa: F401  (fixtures of the bookings seam tests)
    _celery_eager,
    make_student,
    open_window,
    pro,
    pupil,
)

OFFER_SENDRECV = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendrecv\r\n"
)
OFFER_RECVONLY = OFFER_SENDRECV.replace("a=sendrecv", "a=recvonly")


@pytest.fixture(autouse=True)
def _fresh_peer_store() -> None:
    """The embedded peer store lives in this process: empty it between tests."""
    peer_cache_forget_all()


def make_contact(professional: Any, student: Any) -> Any:
    """A direct conversation between them, as the chat opens it: the student's contact
    request, accepted (what lets a host invite a student to a room)."""
    request = chat_services.contact_request_create(
        student=student, professional=professional, message="Hello, may I ask you something?"
    )
    return chat_services.contact_request_accept(professional=professional, request_id=request.pk)


def make_room(host: Any, **fields: Any) -> Any:
    fields.setdefault("title", "Life as a paediatric nurse")
    return services.room_create(host=host, **fields)


@pytest.fixture
def room(professional: Any) -> Any:
    return make_room(professional)


async def next_of(client: WsClient, event: str, timeout: float = 3) -> dict[str, Any]:
    """The next push of type `event`, skipping other pushes."""
    while True:
        message = await client.push(timeout)
        if message["type"] == event:
            return message


async def drain(client: WsClient, quiet: float = 0.2) -> None:
    """Read (and keep in `client.received`) whatever arrives until `quiet` seconds pass."""
    while not await client.silent(quiet):
        await client.recv()


async def in_room(opener: OpenWs, user: Any, room: Any) -> tuple[WsClient, dict[str, Any]]:
    """A connected client of `user` that joined `room`; returns it and the join reply."""
    client = await joined_user(opener, user)
    reply = await client.request("join", f"room:{room.pk}")
    assert reply["ok"], reply
    return client, reply["data"]


async def new_user(make_user: Any, **fields: Any) -> Any:
    return await sync_to_async(make_user)(**fields)
