"""The peer store across a loss of its data (a Redis restart or flush): live connections
write their entries again, and a join prunes only the peers that are gone for sure (issue 18,
item 5). The whole restart, on two live processes, is tests/rooms/test_redis_restart.py."""

import asyncio
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings

from core.cache import shared_redis_client
from rooms import services
from rooms.models import RoomPeer
from rooms.peercache import (
    _epoch_key,
    _key,
    peer_cache_delete,
    peer_cache_get_many,
    peer_cache_set_media_async,
)
from rooms.relay import relay_forget_room
from tests.realtime.conftest import OpenWs, error_code
from tests.rooms.conftest import in_room, make_room

needs_redis = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="the embedded store dies with its connections"
)


def _client() -> redis.Redis:
    client: redis.Redis | None = shared_redis_client()
    assert client is not None
    return client


def lose_the_store() -> None:
    """What a Redis restart without persistence does to this test's keys."""
    client = _client()
    prefix = _epoch_key().removesuffix("room-peer-epoch")
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def present(room: Any) -> set[str]:
    return set(RoomPeer.objects.filter(room=room).values_list("peer_id", flat=True))


@needs_redis
@pytest.mark.django_db
def test_a_join_after_a_loss_prunes_nobody_until_live_peers_had_time_to_come_back(
    professional: Any, make_user: Any
) -> None:
    room = make_room(professional)
    first, second, third = make_user(), make_user(), make_user()
    services.peer_join(user=first, room_id=room.pk, peer_id="a", channel_name="c-a")
    services.peer_join(user=second, room_id=room.pk, peer_id="b", channel_name="c-b")
    lose_the_store()
    # "a" and "b" may be live, their renewals not due yet: nobody is pruned.
    services.peer_join(user=third, room_id=room.pk, peer_id="c", channel_name="c-c")
    assert present(room) == {"a", "b", "c"}
    # "b"'s connection writes its entry again; "a" never does (its process died meanwhile).
    assert services.peer_restore(room_id=room.pk, peer_id="b")
    assert present(room) == {"a", "b", "c"}
    # Once the new epoch is older than two renewals, a missing entry is a dead connection's.
    client = _client()
    epoch = client.get(_epoch_key())
    assert isinstance(epoch, bytes)
    token = epoch.decode().rpartition(":")[0]
    client.set(_epoch_key(), f"{token}:0")
    services.peer_join(user=first, room_id=room.pk, peer_id="a2", channel_name="c-a2")
    assert present(room) == {"a2", "b", "c"}


@pytest.mark.django_db
def test_an_entry_that_expired_in_its_own_epoch_is_pruned_at_once(
    professional: Any, make_user: Any
) -> None:
    room = make_room(professional)
    first, second = make_user(), make_user()
    services.peer_join(user=first, room_id=room.pk, peer_id="a", channel_name="c-a")
    peer_cache_delete(room_id=room.pk, peer_ids=["a"])  # its TTL ran out: no renewal came
    services.peer_join(user=second, room_id=room.pk, peer_id="b", channel_name="c-b")
    assert present(room) == {"b"}


@pytest.mark.django_db
def test_restore_writes_the_entry_from_the_row_and_keeps_a_newer_one(
    professional: Any, student: Any
) -> None:
    room = make_room(professional, lobby=True)
    services.peer_join(user=professional, room_id=room.pk, peer_id="h", channel_name="c-h")
    services.peer_join(user=student, room_id=room.pk, peer_id="s", channel_name="c-s")
    peer_cache_delete(room_id=room.pk, peer_ids=["h", "s"])
    assert services.peer_restore(room_id=room.pk, peer_id="h")
    assert services.peer_restore(room_id=room.pk, peer_id="s")
    found = peer_cache_get_many(room_id=room.pk, peer_ids=["h", "s"])
    assert (found["h"].channel_name, found["h"].publish, found["h"].waiting) == ("c-h", True, False)
    assert (found["s"].channel_name, found["s"].publish, found["s"].waiting) == ("c-s", False, True)
    # An entry that is there (written meanwhile by a join or a role change) is kept.
    asyncio.run(
        peer_cache_set_media_async(room_id=room.pk, peer_id="h", camera=False, microphone=True)
    )
    assert services.peer_restore(room_id=room.pk, peer_id="h")
    assert peer_cache_get_many(room_id=room.pk, peer_ids=["h"])["h"].camera is False
    # A peer that left has no row: nothing to restore, and its connection stops renewing.
    services.peer_leave(room_id=room.pk, peer_id="s")
    assert not services.peer_restore(room_id=room.pk, peer_id="s")
    assert peer_cache_get_many(room_id=room.pk, peer_ids=["s"]) == {}
    assert _key(room.pk, "s").endswith(f":room-peer:{room.pk}:s")


@pytest.mark.django_db(transaction=True)
async def test_live_connections_write_their_lost_entries_again(
    open_ws: OpenWs, professional: Any, student: Any, settings: Any
) -> None:
    settings.ROOMS_PEER_REFRESH_SECONDS = 0.05
    room = await sync_to_async(make_room)(professional)
    _host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    ids = [hosted["peer_id"], joined["peer_id"]]
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=ids)
    relay_forget_room(room.pk)
    while len(await sync_to_async(peer_cache_get_many)(room_id=room.pk, peer_ids=ids)) < 2:
        await asyncio.sleep(0.02)  # the renewals find their entries missing and restore them
    bye = {"to": hosted["peer_id"], "kind": "bye"}
    assert (await guest.request("signal", room.topic, bye))["ok"]


@pytest.mark.django_db(transaction=True)
async def test_a_connection_missing_its_own_entry_restores_it_on_its_next_frame(
    open_ws: OpenWs, professional: Any, student: Any
) -> None:
    """Renewals are a minute apart: a signal or media frame in between need not wait."""
    room = await sync_to_async(make_room)(professional)
    host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=[joined["peer_id"]])
    relay_forget_room(room.pk)
    bye = {"to": hosted["peer_id"], "kind": "bye"}
    assert (await guest.request("signal", room.topic, bye))["ok"]
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=[hosted["peer_id"]])
    media = {"camera": False, "microphone": True}
    assert (await host.request("media", room.topic, media))["ok"]
    # The target's entry is its own connection's to restore: until then, not in the room.
    await sync_to_async(peer_cache_delete)(room_id=room.pk, peer_ids=[hosted["peer_id"]])
    relay_forget_room(room.pk)
    assert error_code(await guest.request("signal", room.topic, bye)) == "not_found"
