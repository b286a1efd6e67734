"""A room keeps working across a Redis restart: issue 18, item 5.

Redis runs without persistence, so a restart loses every peer-store entry at once. Before the
fix, the next join pruned every peer whose entry had vanished (the newcomer saw nobody, the
others were announced as gone), signals answered `forbidden`, and it never healed: the
renewal stopped when it found its key missing. Now each live connection writes its entry
again from its row, and a join prunes only peers whose entry is gone for sure
(rooms.peercache: the store's epoch).
"""

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async

from realtime.tickets import ticket_issue
from tests.chat.test_live import PrivateRedis
from tests.conftest import LiveDaphne, start_daphne, stop_daphne
from tests.rooms.conftest import make_room
from tests.rooms.peers import TestPeer

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

# Renewals every 0.3 s: the test waits for them, never for a minute.
REFRESH_SECONDS = "0.3"


class Servers:
    def __init__(self, first: LiveDaphne, second: LiveDaphne, redis: PrivateRedis, prefix: str):
        self.first, self.second, self.redis, self.prefix = first, second, redis, prefix

    def entries(self, room_id: int) -> int:
        client = redis.Redis.from_url(self.redis.url)
        try:
            return len(client.keys(f"{self.prefix}:room-peer:{room_id}:*"))
        finally:
            client.close()


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[Servers]:
    private = PrivateRedis(tmp_path)
    private.start()
    prefix = f"rooms-{uuid.uuid4().hex[:8]}"
    env = {
        "REDIS_URL": private.url,
        "CHANNEL_LAYER_PREFIX": prefix,
        "CACHE_KEY_PREFIX": prefix,
        "ROOMS_PEER_REFRESH_SECONDS": REFRESH_SECONDS,
    }
    first = start_daphne(tmp_path, env)
    second = start_daphne(tmp_path, env)
    yield Servers(first, second, private, prefix)
    stop_daphne(first)
    stop_daphne(second)
    private.stop()


async def open_peer(live: LiveDaphne, user: Any, room: Any, name: str) -> TestPeer:
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    peer = await TestPeer.open(live.ws_url, ticket, room.topic, user_id=user.pk, name=name)
    peer.negotiate = False  # the signals here carry no real SDP
    return peer


async def relays(sender: TestPeer, target: TestPeer, mark: str) -> None:
    """`sender`'s signal is accepted (the relay finds both peers) and reaches `target`. The
    channel layer re-subscribes after a Redis restart on its own time: a signal published
    before that is lost, so one is sent again until one arrives."""

    def arrived() -> bool:
        return any(
            push["type"] == "signal"
            and (push["data"].get("candidate") or {}).get("candidate") == mark
            for push in target.pushes
        )

    while True:
        reply = await sender.send_signal(target.peer_id, "candidate", candidate={"candidate": mark})
        assert reply["ok"], reply
        try:
            await target.wait_for(arrived, timeout=1)
            return
        except TimeoutError:
            continue


def presence_leaves(peer: TestPeer) -> list[Any]:
    return [p for p in peer.pushes if p["type"] == "presence" and p["data"]["leaves"]]


async def wait_until(predicate: Any) -> None:
    while not await sync_to_async(predicate)():
        await asyncio.sleep(0.05)


async def test_a_three_peer_room_survives_a_redis_restart(
    servers: Servers, professional: Any, student: Any, make_user: Any
) -> None:
    room = await sync_to_async(make_room)(professional)
    third, fourth = await sync_to_async(make_user)(), await sync_to_async(make_user)()
    host = await open_peer(servers.first, professional, room, "h")
    guest = await open_peer(servers.second, student, room, "g")
    other = await open_peer(servers.first, third, room, "o")
    late: TestPeer | None = None
    try:
        for peer in (host, guest, other):
            await peer.join()
        trio = [host, guest, other]
        for peer in trio:
            await peer.wait_for(lambda peer=peer: len(peer.present) == 2)  # type: ignore[misc]
        await relays(host, guest, "before")

        servers.redis.stop()
        servers.redis.start()  # same port, no data

        # A newcomer right away, before or after the others' renewals: it sees them all.
        newcomer = await open_peer(servers.second, fourth, room, "l")
        late = newcomer
        joined = await newcomer.join()
        assert {p["peer_id"] for p in joined["peers"]} == {p.peer_id for p in trio}

        # Every live connection writes its entry again (the newcomer's came with its join).
        await wait_until(lambda: servers.entries(room.pk) == 4)
        everyone = [*trio, newcomer]
        for number, (sender, target) in enumerate(
            [(host, guest), (guest, other), (other, host), (newcomer, host), (guest, newcomer)]
        ):
            await relays(sender, target, f"after-{number}")
        assert [presence_leaves(peer) for peer in everyone] == [[], [], [], []]
        assert [peer.failures for peer in everyone] == [[], [], [], []]
    finally:
        for each in (host, guest, other, late):
            if each is not None:
                await each.close()
