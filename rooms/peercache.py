"""Where a room's live peers are, for the signalling relay: never the database.

`room-peer:<room>:<peer_id>` → `{"c": channel name, "u": user id, "p": may publish,
"w": waiting in the lobby}`, written beside the `RoomPeer` row at join (inside its
transaction), rewritten when the user's role changes, deleted at leave, and renewed by the
live connection (rooms.handlers) so the entry of a connection whose process died expires
within PEER_TTL_SECONDS and the next join prunes its row: a crash cannot fill a room.

Two stores, picked by REDIS_URL like the rest of the settings: Redis (shared by every daphne
process; the relay talks to it with the asyncio client, with no thread hop), or, in the
embedded single-process mode, a dict in this process (it dies with the process, as its
connections do). Not Django's cache: its Redis backend is synchronous, and a thread hop per
relayed signal cost more than the relay itself under load.
"""

import asyncio
import json
import time
import weakref
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

PEER_TTL_SECONDS = 180
PEER_REFRESH_SECONDS = 60


@dataclass(frozen=True)
class CachedPeer:
    channel_name: str
    user_id: int
    publish: bool
    waiting: bool


def _key(room_id: int, peer_id: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:room-peer:{room_id}:{peer_id}"


def _decode(raw: Any) -> CachedPeer | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return CachedPeer(
        channel_name=str(value["c"]),
        user_id=int(value["u"]),
        publish=bool(value["p"]),
        waiting=bool(value["w"]),
    )


# --- the embedded store: this process's memory --------------------------------------------------

_local: dict[str, tuple[str, float]] = {}


def _local_get(key: str) -> str | None:
    found = _local.get(key)
    if found is None:
        return None
    if found[1] < time.monotonic():
        _local.pop(key, None)
        return None
    return found[0]


def _local_touch(key: str) -> bool:
    value = _local_get(key)
    if value is None:
        return False
    _local[key] = (value, time.monotonic() + PEER_TTL_SECONDS)
    return True


# --- the Redis store ---------------------------------------------------------------------------

_sync_clients: dict[str, redis.Redis] = {}
_async_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis]" = (
    weakref.WeakKeyDictionary()
)


def _redis_url() -> str:
    return str(settings.REDIS_URL)


def _sync_client() -> redis.Redis:
    url = _redis_url()
    if url not in _sync_clients:
        _sync_clients[url] = redis.Redis.from_url(url)
    return _sync_clients[url]


def _async_client() -> aioredis.Redis:
    # One client per event loop: an asyncio connection belongs to the loop that opened it.
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(_redis_url())
        _async_clients[loop] = client
    return client


def _ttl_ms() -> int:
    return int(PEER_TTL_SECONDS * 1000)


# --- the interface -----------------------------------------------------------------------------


def peer_cache_set(
    *, room_id: int, peer_id: str, channel_name: str, user_id: int, publish: bool, waiting: bool
) -> None:
    key = _key(room_id, peer_id)
    value = json.dumps({"c": channel_name, "u": user_id, "p": publish, "w": waiting})
    if _redis_url():
        _sync_client().set(key, value, px=_ttl_ms())
    else:
        _local[key] = (value, time.monotonic() + PEER_TTL_SECONDS)


def peer_cache_delete(*, room_id: int, peer_ids: list[str]) -> None:
    keys = [_key(room_id, peer_id) for peer_id in peer_ids]
    if not keys:
        return
    if _redis_url():
        _sync_client().delete(*keys)
    else:
        for key in keys:
            _local.pop(key, None)


def peer_cache_get_many(*, room_id: int, peer_ids: list[str]) -> dict[str, CachedPeer]:
    keys = [_key(room_id, peer_id) for peer_id in peer_ids]
    if not keys:
        return {}
    raws = _sync_client().mget(keys) if _redis_url() else [_local_get(key) for key in keys]
    return _found(peer_ids, raws)


def _found(peer_ids: list[str], raws: list[Any]) -> dict[str, CachedPeer]:
    peers = {}
    for peer_id, raw in zip(peer_ids, raws, strict=True):
        peer = _decode(raw)
        if peer is not None:
            peers[peer_id] = peer
    return peers


async def peer_cache_get_many_async(*, room_id: int, peer_ids: list[str]) -> dict[str, CachedPeer]:
    """As `peer_cache_get_many`, from the event loop, without a thread hop."""
    if not _redis_url():
        return peer_cache_get_many(room_id=room_id, peer_ids=peer_ids)
    raws = await _async_client().mget([_key(room_id, peer_id) for peer_id in peer_ids])
    return _found(peer_ids, raws)


async def peer_cache_touch_async(*, room_id: int, peer_id: str) -> bool:
    """Renew a live peer's entry; False when it is gone (the peer left or was removed)."""
    key = _key(room_id, peer_id)
    if not _redis_url():
        return _local_touch(key)
    return bool(await _async_client().pexpire(key, _ttl_ms()))


def peer_cache_forget_all() -> None:
    """Empty the embedded store (for tests; Redis keys are isolated by the key prefix)."""
    _local.clear()
