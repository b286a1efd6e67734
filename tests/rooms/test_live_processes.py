"""Signalling across two daphne processes sharing one Redis: the production scale-out.

The relay finds the target in the Redis peer store and reaches its channel through the Redis
channel layer, whichever process holds it; presence crosses processes the same way.
"""

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from realtime.tickets import ticket_issue
from tests.chat.test_live import PrivateRedis
from tests.conftest import LiveDaphne, start_daphne, stop_daphne
from tests.rooms.conftest import OFFER_RECVONLY, OFFER_SENDRECV, make_room
from tests.rooms.peers import TestPeer

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def two_processes(transactional_db: None, tmp_path: Path) -> Iterator[tuple[LiveDaphne, ...]]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url, "CHANNEL_LAYER_PREFIX": f"rooms-{uuid.uuid4().hex[:8]}"}
    first = start_daphne(tmp_path, env)
    second = start_daphne(tmp_path, env)
    yield first, second
    stop_daphne(first)
    stop_daphne(second)
    redis.stop()


async def open_peer(live: LiveDaphne, user: Any, room: Any, name: str) -> TestPeer:
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    return await TestPeer.open(live.ws_url, ticket, room.topic, user_id=user.pk, name=name)


async def test_signals_and_presence_cross_processes(
    two_processes: tuple[LiveDaphne, LiveDaphne], professional: Any, student: Any
) -> None:
    first, second = two_processes
    room = await sync_to_async(make_room)(professional)
    host = await open_peer(first, professional, room, "h")
    guest = await open_peer(second, student, room, "s")
    host.negotiate = guest.negotiate = False  # the SDPs here are not real offers
    try:
        await host.join()
        await guest.join()
        assert list(guest.present) == [host.peer_id]
        await host.wait_for(lambda: guest.peer_id in host.present)  # presence crossed over
        offer = await host.send_signal(guest.peer_id, "offer", sdp=OFFER_SENDRECV)
        assert offer["ok"], offer
        await guest.wait_for(lambda: any(p["type"] == "signal" for p in guest.pushes))
        [signal] = [p for p in guest.pushes if p["type"] == "signal"]
        assert signal["data"] == {"from": host.peer_id, "kind": "offer", "sdp": OFFER_SENDRECV}
        # The media check reads the sender's rights from the shared store too.
        refused = await guest.send_signal(host.peer_id, "offer", sdp=OFFER_SENDRECV)
        assert refused["error"]["code"] == "forbidden"
        answer = await guest.send_signal(host.peer_id, "answer", sdp=OFFER_RECVONLY)
        assert answer["ok"], answer
        await host.wait_for(lambda: any(p["type"] == "signal" for p in host.pushes))
        assert host.failures == guest.failures == []
        await guest.ws.close()
        await host.wait_for(lambda: guest.peer_id in host.left)
        gone = await host.send_signal(guest.peer_id, "bye")
        assert gone["error"]["code"] == "not_found"
    finally:
        await guest.close()
        await host.close()
