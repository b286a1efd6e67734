"""Where a room's live peers are, for the signalling relay: never the database.

`room-peer:<room>:<peer_id>` → `{"c": channel name, "u": user id, "p": may publish,
"w": waiting in the lobby, "v": camera on, "a": microphone on}`, written beside the
`RoomPeer` row at join (inside its transaction), rewritten when the user's role changes,
deleted at leave, and renewed by the live connection (rooms.handlers) so the entry of a
connection whose process died expires within PEER_TTL_SECONDS and the next join prunes its
row: a crash cannot fill a room. The peer's own `media` frames change "v" and "a" only, in
one atomic step that also checks "p" (a Lua script on Redis), so they never undo a role
change made meanwhile by the host.

Two stores, picked by REDIS_URL like the rest of the settings: Redis (shared by every daphne
process; the relay talks to it with the asyncio client, with no thread hop), or, in the
embedded single-process mode, a dict in this process (it dies with the process, as its
connections do). Not Django's cache: its Redis backend is synchronous, and a thread hop per
relayed signal cost more than the relay itself under load.
"""

import asyncio
import json
import threading
import time
import weakref
from dataclasses import dataclass
from enum import Enum
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from core import redis_retry

PEER_TTL_SECONDS = 180
PEER_REFRESH_SECONDS = 60


@dataclass(frozen=True)
class CachedPeer:
    channel_name: str
    user_id: int
    publish: bool
    waiting: bool
    # What the peer last said it sends (its `media` frame); until then, what it may send.
    camera: bool
    microphone: bool


class MediaUpdate(Enum):
    """The outcome of `peer_cache_set_media_async`."""

    UPDATED = 1
    NOT_PUBLISHING = 0  # waiting in the lobby, or in the audience
    GONE = -1


def _key(room_id: int, peer_id: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:room-peer:{room_id}:{peer_id}"


def _decode(raw: Any) -> CachedPeer | None:
    if raw is None:
        return None
    value = json.loads(raw)
    publish = bool(value["p"])
    return CachedPeer(
        channel_name=str(value["c"]),
        user_id=int(value["u"]),
        publish=publish,
        waiting=bool(value["w"]),
        camera=bool(value.get("v", publish)),
        microphone=bool(value.get("a", publish)),
    )


# --- the embedded store: this process's memory --------------------------------------------------

_local: dict[str, tuple[str, float]] = {}
# Writes come from the event loop and from database threads: a media update reads then
# writes, so every write holds this lock.
_local_lock = threading.Lock()


def _local_get(key: str) -> str | None:
    found = _local.get(key)
    if found is None:
        return None
    if found[1] < time.monotonic():
        _local.pop(key, None)
        return None
    return found[0]


def _local_touch(key: str) -> bool:
    with _local_lock:
        value = _local_get(key)
        if value is None:
            return False
        _local[key] = (value, time.monotonic() + PEER_TTL_SECONDS)
        return True


def _local_set_media(key: str, camera: bool, microphone: bool) -> MediaUpdate:
    with _local_lock:
        raw = _local_get(key)
        if raw is None:
            return MediaUpdate.GONE
        value = json.loads(raw)
        if value["w"] or not value["p"]:
            return MediaUpdate.NOT_PUBLISHING
        value.update(v=camera, a=microphone)
        _local[key] = (json.dumps(value), _local[key][1])  # the same expiry: KEEPTTL
        return MediaUpdate.UPDATED


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
        _sync_clients[url] = redis.Redis.from_url(url, **redis_retry.sync_pool_options())
    return _sync_clients[url]


def _async_client() -> aioredis.Redis:
    # One client per event loop: an asyncio connection belongs to the loop that opened it.
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(_redis_url(), **redis_retry.async_pool_options())
        _async_clients[loop] = client
    return client


def _ttl_ms() -> int:
    return int(PEER_TTL_SECONDS * 1000)


# Change the media fields of a live, publishing peer's entry, keeping its TTL; atomic, so a
# role change (which rewrites "p") cannot be overwritten by a media frame read before it.
_SET_MEDIA = """
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local entry = cjson.decode(raw)
if entry['w'] or not entry['p'] then return 0 end
entry['v'] = ARGV[1] == '1'
entry['a'] = ARGV[2] == '1'
redis.call('SET', KEYS[1], cjson.encode(entry), 'KEEPTTL')
return 1
"""


# --- the interface -----------------------------------------------------------------------------


def peer_cache_set(
    *,
    room_id: int,
    peer_id: str,
    channel_name: str,
    user_id: int,
    publish: bool,
    waiting: bool,
    camera: bool | None = None,
    microphone: bool | None = None,
) -> None:
    """Write a peer's entry. `camera` and `microphone` default to `publish`: a peer that may
    publish is taken to send both until its first `media` frame says otherwise."""
    key = _key(room_id, peer_id)
    value = json.dumps(
        {
            "c": channel_name,
            "u": user_id,
            "p": publish,
            "w": waiting,
            "v": publish if camera is None else camera,
            "a": publish if microphone is None else microphone,
        }
    )
    if _redis_url():
        _sync_client().set(key, value, px=_ttl_ms())
    else:
        with _local_lock:
            _local[key] = (value, time.monotonic() + PEER_TTL_SECONDS)


def peer_cache_delete(*, room_id: int, peer_ids: list[str]) -> None:
    keys = [_key(room_id, peer_id) for peer_id in peer_ids]
    if not keys:
        return
    if _redis_url():
        _sync_client().delete(*keys)
    else:
        with _local_lock:
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


async def peer_cache_set_media_async(
    *, room_id: int, peer_id: str, camera: bool, microphone: bool
) -> MediaUpdate:
    """Record what a peer sends (camera, microphone), if it is present and may publish."""
    key = _key(room_id, peer_id)
    if not _redis_url():
        return _local_set_media(key, camera, microphone)
    flags = ("1" if camera else "0", "1" if microphone else "0")
    outcome = await _async_client().eval(_SET_MEDIA, 1, key, *flags)
    return MediaUpdate(int(outcome))


def peer_cache_forget_all() -> None:
    """Empty the embedded store (for tests; Redis keys are isolated by the key prefix)."""
    _local.clear()
