"""Where a room's live peers are, for the signalling relay: never the database.

`room-peer:<room>:<peer_id>` → `{"c": channel name, "u": user id, "p": may publish,
"w": waiting in the lobby, "v": camera on, "a": microphone on}`, written beside the
`RoomPeer` row at join (inside its transaction), rewritten when the user's role changes,
deleted at leave, and renewed by the live connection (rooms.handlers) so the entry of a
connection whose process died expires within `peer_ttl_seconds()` and the next join prunes
its row: a crash cannot fill a room. The peer's own `media` frames change "v" and "a" only, in
one atomic step that also checks "p" (a Lua script on Redis), so they never undo a role
change made meanwhile by the host.

A Redis restart (or flush) loses every entry at once, live or not. The store's epoch tells the
two apart: a key without expiry, made anew (a random token and Redis's clock) by the first
write after the loss, and kept on each `RoomPeer` row when its entry is written. An entry
missing from the epoch it was written in expired: its connection is dead. One written in an
older epoch may just have been lost: its live connection's renewal writes it again (from the
row, `rooms.services.peer_restore`) within one renewal interval, so such a peer counts as gone
only once the current epoch is older than `_settle_seconds()` (two intervals).

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
import uuid
import weakref
from dataclasses import dataclass
from enum import Enum
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from core import redis_retry

# The embedded store lives and dies with its process's connections: it never loses live ones.
LOCAL_EPOCH = "local"


def peer_refresh_seconds() -> float:
    """How often a live connection renews its entry (60 s; small in tests)."""
    return settings.ROOMS_PEER_REFRESH_SECONDS


def peer_ttl_seconds() -> float:
    """How long an entry lives unrenewed: three renewals, so one missed renewal is harmless."""
    return 3 * peer_refresh_seconds()


def _settle_seconds() -> float:
    # After a loss, every live connection writes its entry again within one interval (plus
    # the database read of the restore): past two, a missing entry is a dead connection's.
    return 2 * peer_refresh_seconds()


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


def _prefix() -> str:
    return str(settings.CACHES["default"].get("KEY_PREFIX", ""))


def _key(room_id: int, peer_id: str) -> str:
    return f"{_prefix()}:room-peer:{room_id}:{peer_id}"


def _epoch_key() -> str:
    return f"{_prefix()}:room-peer-epoch"


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
        _local[key] = (value, time.monotonic() + peer_ttl_seconds())
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
    return int(peer_ttl_seconds() * 1000)


# The epoch as the first write after a loss makes it: ARGV[1] (a new token), ':', and Redis's
# clock in microseconds (one clock for every process). Shared by the two scripts below.
_EPOCH = """
local clock = redis.call('TIME')
local now = clock[1] .. string.format('%06d', clock[2])
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1] .. ':' .. now
  redis.call('SET', KEYS[1], epoch)
end
"""

# Write an entry (KEYS[2]: ARGV[2] for ARGV[3] ms; only if missing when ARGV[4] is '1');
# returns the epoch it was written in.
_SET_ENTRY = (
    _EPOCH
    + """
if ARGV[4] == '1' then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX')
else
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return epoch
"""
)

# Which of the entries KEYS[2..] are missing (0-based positions), with the epoch and the clock.
_MISSING = (
    _EPOCH
    + """
local missing = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then missing[#missing + 1] = i - 2 end
end
return {epoch, now, missing}
"""
)


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
    only_if_missing: bool = False,
) -> str:
    """Write a peer's entry; returns the store's epoch (kept on the peer's row). `camera` and
    `microphone` default to `publish`: a peer that may publish is taken to send both until its
    first `media` frame says otherwise. `only_if_missing`: keep an entry already there (a
    restore must not undo a role change or a join made meanwhile)."""
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
        flag = "1" if only_if_missing else "0"
        epoch = _sync_client().eval(
            _SET_ENTRY, 2, _epoch_key(), key, uuid.uuid4().hex, value, _ttl_ms(), flag
        )
        return epoch.decode() if isinstance(epoch, bytes) else str(epoch)
    with _local_lock:
        if not (only_if_missing and _local_get(key) is not None):
            _local[key] = (value, time.monotonic() + peer_ttl_seconds())
    return LOCAL_EPOCH


def peer_cache_gone(*, room_id: int, peers: dict[str, str]) -> set[str]:
    """Which of `peers` (peer id → the epoch kept on its row) are gone for sure: their entry
    is missing, and either it was written in the current epoch (it expired) or the current
    epoch is old enough that every live connection has written its entry again."""
    if not peers:
        return set()
    ids = list(peers)
    keys = [_key(room_id, peer_id) for peer_id in ids]
    if not _redis_url():
        return {peer_id for peer_id, key in zip(ids, keys, strict=True) if _local_get(key) is None}
    raw_epoch, raw_now, missing = _sync_client().eval(
        _MISSING, 1 + len(keys), _epoch_key(), *keys, uuid.uuid4().hex
    )
    epoch = raw_epoch.decode() if isinstance(raw_epoch, bytes) else str(raw_epoch)
    age = (int(raw_now) - int(epoch.rpartition(":")[2])) / 1_000_000
    settled = age >= _settle_seconds()
    return {ids[int(index)] for index in missing if settled or peers[ids[int(index)]] == epoch}


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
    """Renew a live peer's entry; False when it is missing (the peer left or was removed, or
    the store lost it: `rooms.services.peer_restore` tells which)."""
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
