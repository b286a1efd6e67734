"""The `media` frame of a `room:` topic (docs/rooms.md): a publishing peer says whether its
camera and microphone are on; the room gets `participant.media`, late joiners find it in the
join reply's `peers`, and the peer store keeps it with no database on the way."""

import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from rooms import peercache
from rooms.peercache import (
    MediaUpdate,
    peer_cache_get_many,
    peer_cache_set,
    peer_cache_set_media_async,
)
from tests.realtime.conftest import OpenWs, error_code, joined_user
from tests.rooms.conftest import OFFER_SENDRECV, drain, in_room, make_room, new_user, next_of

pytestmark = pytest.mark.django_db(transaction=True)

CAMERA_OFF = {"camera": False, "microphone": True}


def media_of(reply: dict[str, Any], peer_id: str) -> tuple[bool, bool]:
    [peer] = [peer for peer in reply["peers"] if peer["peer_id"] == peer_id]
    return peer["camera"], peer["microphone"]


async def test_media_reaches_the_room_and_late_joiners(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    host, hosted = await in_room(open_ws, professional, room)
    guest, _ = await in_room(open_ws, student, room)
    await drain(host)
    await drain(guest)
    reply = await host.request("media", room.topic, CAMERA_OFF)
    assert reply["ok"] and reply["data"] == {}
    pushed = await next_of(guest, "participant.media")
    assert pushed == {
        "type": "participant.media",
        "topic": room.topic,
        "data": {"peer_id": hosted["peer_id"], "camera": False, "microphone": True},
    }
    # The room chat joins again on the same connection: what the host said stays.
    assert (await host.request("join", room.topic))["ok"]
    late, joined = await in_room(open_ws, await new_user(make_user), room)
    assert media_of(joined, hosted["peer_id"]) == (False, True)
    # Audience peers send nothing: their entries say so.
    late_peer = joined["peer_id"]
    assert media_of((await host.request("join", room.topic))["data"], late_peer) == (False, False)

    both_off = {"camera": False, "microphone": False}
    assert (await host.request("media", room.topic, both_off))["ok"]
    assert (await next_of(late, "participant.media"))["data"]["microphone"] is False
    # A new connection of the host is a new peer: it starts from its right to publish.
    again = await joined_user(open_ws, professional)
    rejoined = (await again.request("join", room.topic))["data"]
    _fresh, state = await in_room(open_ws, await new_user(make_user), room)
    assert media_of(state, rejoined["peer_id"]) == (True, True)
    assert media_of(state, hosted["peer_id"]) == (False, False)


async def test_media_errors_change_nothing(
    open_ws: OpenWs, professional: Any, student: Any, room: Any
) -> None:
    host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    await drain(host)
    # The audience publishes nothing, so it has nothing to say about it.
    assert error_code(await guest.request("media", room.topic, CAMERA_OFF)) == "forbidden"
    bad: list[dict[str, Any]] = [
        {},
        {"camera": False},
        {"camera": "off", "microphone": True},
        {"camera": 0, "microphone": True},  # strict: a bool, not a number
        {"camera": False, "microphone": True, "screen": True},
        {"camera": None, "microphone": True},
    ]
    for data in bad:
        assert error_code(await host.request("media", room.topic, data)) == "bad_request", data
    assert await guest.silent(0.3)
    assert await host.silent(0.1)
    outsider = await joined_user(open_ws, student)
    assert error_code(await outsider.request("media", room.topic, CAMERA_OFF)) == "forbidden"
    found = await sync_to_async(peer_cache_get_many)(
        room_id=room.pk, peer_ids=[hosted["peer_id"], joined["peer_id"]]
    )
    assert (found[hosted["peer_id"]].camera, found[hosted["peer_id"]].microphone) == (True, True)
    assert (found[joined["peer_id"]].camera, found[joined["peer_id"]].microphone) == (False, False)
    # Still in the room, undisturbed.
    assert (await guest.request("hand", room.topic, {"raised": True}))["ok"]


async def test_the_stage_gives_and_takes_the_right_to_say(
    open_ws: OpenWs, professional: Any, student: Any, room: Any
) -> None:
    host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    on = {"user_id": student.pk, "on_stage": True}
    assert (await host.request("stage.set", room.topic, on))["ok"]
    assert (await guest.request("media", room.topic, CAMERA_OFF))["ok"]
    assert (await next_of(host, "participant.media"))["data"]["peer_id"] == joined["peer_id"]
    off = {"user_id": student.pk, "on_stage": False}
    assert (await host.request("stage.set", room.topic, off))["ok"]
    await drain(host)
    assert error_code(await guest.request("media", room.topic, CAMERA_OFF)) == "forbidden"
    # The refused frame did not give the right to publish back (one atomic check and write).
    offer = {"to": hosted["peer_id"], "kind": "offer", "sdp": OFFER_SENDRECV}
    assert error_code(await guest.request("signal", room.topic, offer)) == "forbidden"
    assert await host.silent(0.2)
    # Back on stage: a new role starts from what it may send.
    assert (await host.request("stage.set", room.topic, on))["ok"]
    state = (await host.request("join", room.topic))["data"]
    assert media_of(state, joined["peer_id"]) == (True, True)


async def test_a_waiting_connection_may_not_send_media(
    open_ws: OpenWs, professional: Any, student: Any
) -> None:
    room = await sync_to_async(make_room)(professional, lobby=True)
    host, _ = await in_room(open_ws, professional, room)
    waiting, reply = await in_room(open_ws, student, room)
    assert reply["admitted"] is False
    await drain(host)
    assert error_code(await waiting.request("media", room.topic, CAMERA_OFF)) == "forbidden"
    assert await host.silent(0.2)


async def test_media_rate_limit(
    open_ws: OpenWs, professional: Any, room: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("rooms.handlers.MEDIA_RATE_PER_SECOND", 1.0)
    monkeypatch.setattr("rooms.handlers.MEDIA_BURST", 3)
    host, _ = await in_room(open_ws, professional, room)
    codes = []
    for n in range(5):
        data = {"camera": n % 2 == 0, "microphone": True}
        reply = await host.request("media", room.topic, data)
        codes.append("ok" if reply["ok"] else error_code(reply))
    assert codes == ["ok", "ok", "ok", "rate_limited", "rate_limited"]


async def test_the_store_keeps_the_expiry_and_refuses_the_audience(settings: Any) -> None:
    """Both stores (Redis when REDIS_URL is set, this process's memory otherwise)."""
    write = sync_to_async(peer_cache_set)
    await write(room_id=1, peer_id="pub", channel_name="c1", user_id=1, publish=True, waiting=False)
    await write(
        room_id=1, peer_id="aud", channel_name="c2", user_id=2, publish=False, waiting=False
    )
    await write(room_id=1, peer_id="lob", channel_name="c3", user_id=3, publish=False, waiting=True)
    update = peer_cache_set_media_async
    assert await update(room_id=1, peer_id="pub", camera=False, microphone=True) is (
        MediaUpdate.UPDATED
    )
    for peer_id in ("aud", "lob"):
        outcome = await update(room_id=1, peer_id=peer_id, camera=True, microphone=True)
        assert outcome is MediaUpdate.NOT_PUBLISHING
    assert await update(room_id=1, peer_id="gone", camera=True, microphone=True) is (
        MediaUpdate.GONE
    )
    found = await sync_to_async(peer_cache_get_many)(room_id=1, peer_ids=["pub", "aud"])
    assert (found["pub"].camera, found["pub"].microphone, found["pub"].publish) == (
        False,
        True,
        True,
    )
    assert found["pub"].channel_name == "c1" and found["pub"].user_id == 1
    assert (found["aud"].camera, found["aud"].microphone) == (False, False)
    if settings.REDIS_URL:
        ttl = await peercache._async_client().pttl(peercache._key(1, "pub"))
        assert 0 < ttl <= peercache.peer_ttl_seconds() * 1000
    else:
        assert peercache._local[peercache._key(1, "pub")][1] > time.monotonic()
    await sync_to_async(peercache.peer_cache_delete)(room_id=1, peer_ids=["pub", "aud", "lob"])
