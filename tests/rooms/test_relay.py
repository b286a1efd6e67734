"""The relay's copy of a room's peers (rooms.relay): read through from the peer store, and
dropped whenever the room's peers may have changed, so a signal never reaches a peer that
left nor carries media from one taken off stage."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from rooms.peercache import peer_cache_delete
from rooms.relay import relay_forget_room, relay_peers
from tests.realtime.conftest import OpenWs, error_code
from tests.rooms.conftest import drain, in_room, new_user, next_of

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_copy_is_read_once_and_dropped_by_a_room_push(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    host, hosted = await in_room(open_ws, professional, room)
    _guest, joined = await in_room(open_ws, student, room)
    third, _ = await in_room(open_ws, await new_user(make_user), room)
    ids = [hosted["peer_id"], joined["peer_id"]]
    assert set(await relay_peers(room_id=room.pk, peer_ids=ids)) == set(ids)

    # The store loses the guest behind the relay's back (no push): the copy still has it...
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=[joined["peer_id"]])
    assert set(await relay_peers(room_id=room.pk, peer_ids=ids)) == set(ids)
    # ...through pushes that say nothing about peers (a raised hand)...
    assert (await host.request("hand", room.topic, {"raised": True}))["ok"]
    await next_of(host, "hands")
    assert set(await relay_peers(room_id=room.pk, peer_ids=ids)) == set(ids)
    # ...until one that may: someone leaves (presence), and the store is read again.
    assert (await third.request("leave", room.topic))["ok"]
    await next_of(host, "presence")
    assert set(await relay_peers(room_id=room.pk, peer_ids=ids)) == {hosted["peer_id"]}
    # A local join drops it too: this process may have missed pushes before it.
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=[hosted["peer_id"]])
    relay_forget_room(room.pk)
    assert await relay_peers(room_id=room.pk, peer_ids=ids) == {}


async def test_a_peer_that_left_is_not_found_even_after_signals_to_it(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    third = await new_user(make_user)
    host, _hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    other, _ = await in_room(open_ws, third, room)
    bye = {"to": joined["peer_id"], "kind": "bye"}
    assert (await host.request("signal", room.topic, bye))["ok"]  # the copy knows the guest now
    await drain(other)

    assert (await guest.request("leave", room.topic))["ok"]
    assert (await next_of(other, "presence"))["data"]["leaves"][0]["peer_id"] == joined["peer_id"]
    assert error_code(await host.request("signal", room.topic, bye)) == "not_found"

    # Back with the same connection: reachable again.
    rejoined = await guest.request("join", room.topic)
    assert rejoined["ok"] and rejoined["data"]["peer_id"] == joined["peer_id"]
    await next_of(other, "presence")
    assert (await host.request("signal", room.topic, bye))["ok"]
