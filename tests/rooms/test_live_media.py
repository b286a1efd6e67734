"""Real WebRTC through the real gateway: aiortc peers signalling via a live daphne."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from realtime.tickets import ticket_issue
from rooms.models import RoomPeer
from tests.conftest import LiveDaphne
from tests.rooms.conftest import make_room
from tests.rooms.peers import TestPeer, loopback_only, wait_all

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


@pytest.fixture(autouse=True)
def _loopback() -> None:
    loopback_only()


async def close_all(room: Any, *peers: TestPeer) -> None:
    """Close the peers and wait until the server has recorded their departures, so its writes
    do not race the test database's flush after the test."""
    for peer in peers:
        await peer.close()
    remaining = RoomPeer.objects.filter(room_id=room.pk)
    for _ in range(250):
        if not await remaining.aexists():
            return
        await asyncio.sleep(0.02)


async def open_peer(live: LiveDaphne, user: Any, room: Any, name: str) -> TestPeer:
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    return await TestPeer.open(live.ws_url, ticket, room.topic, user_id=user.pk, name=name)


async def test_two_peers_exchange_data_and_video(
    live_daphne: LiveDaphne, professional: Any, student: Any
) -> None:
    room = await sync_to_async(make_room)(professional)
    host = await open_peer(live_daphne, professional, room, "h")
    guest = await open_peer(live_daphne, student, room, "s")
    try:
        await host.join()
        await guest.join()
        assert list(guest.present) == [host.peer_id] and guest.publish is False
        [link] = await guest.connect_all()  # the audience offers receive-only video
        await host.wait_for(lambda: guest.peer_id in host.links)
        far = host.links[guest.peer_id]
        await wait_all(
            [link.connected.wait(), far.connected.wait(), link.opened.wait(), far.opened.wait()]
        )
        assert link.connected_at is not None
        join_to_connected = link.connected_at - guest.joined_at
        assert join_to_connected < 5, join_to_connected
        assert link.channel is not None and far.channel is not None
        link.channel.send("hello from the student")
        far.channel.send("hello from the host")
        await asyncio.wait_for(
            asyncio.gather(_until(lambda: bool(link.messages)), _until(lambda: bool(far.messages))),
            5,
        )
        assert far.messages == ["hello from the student"]
        assert link.messages == ["hello from the host"]
        # The host publishes, the student only receives.
        await asyncio.wait_for(link.video.wait(), 10)
        assert link.frames >= 3 and far.frames == 0
        assert host.failures == guest.failures == []
        # The host's receive-side answer passed the relay's media check.
        assert [f.result()["ok"] for f in host.answer_replies] == [True]
    finally:
        await close_all(room, guest, host)


def _links_to(me: TestPeer, them: TestPeer) -> Callable[[], bool]:
    return lambda: them.peer_id in me.links


def _saw_leave(peer: TestPeer, gone: str) -> Callable[[], bool]:
    return lambda: gone in peer.left


async def _until(predicate: Any, step: float = 0.02) -> None:
    while not predicate():
        await asyncio.sleep(step)


async def test_three_peers_in_mesh_connect_pairwise_and_a_leaver_is_cleaned_up(
    live_daphne: LiveDaphne, professional: Any, student: Any, make_user: Any
) -> None:
    room = await sync_to_async(make_room)(professional)
    third = await sync_to_async(make_user)()
    host = await open_peer(live_daphne, professional, room, "h")
    speaker = await open_peer(live_daphne, student, room, "a")
    listener = await open_peer(live_daphne, third, room, "b")
    try:
        await host.join()
        await speaker.join()
        staged = await host.request("stage.set", {"user_id": student.pk, "on_stage": True})
        assert staged["ok"], staged
        await speaker.wait_for(lambda: speaker.publish)
        await speaker.connect_all()  # speaker ↔ host, both publishing
        await listener.join()
        assert set(listener.present) == {host.peer_id, speaker.peer_id}
        await listener.connect_all()  # listener → host and speaker, receive only
        peers = {"h": host, "a": speaker, "b": listener}
        pairs = [("h", "a"), ("h", "b"), ("a", "b")]
        for one, other in pairs + [(b, a) for a, b in pairs]:
            me, them = peers[one], peers[other]
            await me.wait_for(_links_to(me, them))
        links = [
            link
            for one, other in pairs
            for link in (
                peers[one].links[peers[other].peer_id],
                peers[other].links[peers[one].peer_id],
            )
        ]
        await wait_all([link.connected.wait() for link in links], timeout=15)
        # Each publisher's video reaches the two others.
        await wait_all(
            [
                host.links[speaker.peer_id].video.wait(),
                speaker.links[host.peer_id].video.wait(),
                listener.links[host.peer_id].video.wait(),
                listener.links[speaker.peer_id].video.wait(),
            ],
            timeout=15,
        )

        # The listener drops (socket closed without a word): the others are told and clean up.
        gone = listener.peer_id
        await listener.ws.close()
        for survivor in (host, speaker):
            await survivor.wait_for(_saw_leave(survivor, gone))
            assert gone not in survivor.links and gone not in survivor.present
        leaves = [p for p in host.pushes if p["type"] == "presence" and p["data"]["leaves"]]
        assert [peer["peer_id"] for peer in leaves[-1]["data"]["leaves"]] == [gone]
        answers = host.answer_replies + speaker.answer_replies
        assert answers and all(f.result()["ok"] for f in answers)
        # The pair that stays keeps its connection.
        assert host.links[speaker.peer_id].pc.connectionState == "connected"
        refused = await host.send_signal(gone, "bye")
        assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    finally:
        await close_all(room, listener, speaker, host)
