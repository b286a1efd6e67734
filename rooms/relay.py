"""Where the signalling relay finds a room's peers: this process's copy of their entries in the
peer store (rooms.peercache), read through on first use and dropped, room by room, whenever
the room's peers may have changed.

Reading the store for every signal cost a Redis round trip, most of the relay's latency under
load (docs/performance.md). Every change the relay depends on (a peer joins or leaves, is let
in from the lobby, goes on stage or off it, is removed; the room ends) is pushed on the room's
topic, and while one of this process's connections is in a room the process hears every push
of that room (realtime.hub). So a room's copy is dropped on each of its pushes, except those
that say nothing about peers, and on each local join (pushes may have been missed while no
local connection was in the room). A peer waiting in the lobby is never a valid target or
sender, whether or not the copy knows it is there, so lobby changes (pushed to the host only)
need no push here.
"""

import asyncio
import weakref
from dataclasses import dataclass, field
from typing import Any

from realtime.hub import watch_topic_kind
from rooms.peercache import CachedPeer, peer_cache_get_many_async

# Pushes of a room that never follow a change of its peers' presence, lobby state or roles.
_KEEP_PEERS = frozenset(
    {
        "message.new",
        "message.updated",
        "message.deleted",
        "read",
        "typing",
        "hands",
        "question",
        "participant.media",
    }
)


@dataclass
class _Room:
    # Only peers found in the store: one that is not is read again each time.
    peers: dict[str, CachedPeer] = field(default_factory=dict)
    # Bumped when the copy is dropped, so a read that started before cannot refill it.
    generation: int = 0


_directories: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Room]]" = (
    weakref.WeakKeyDictionary()
)


def _rooms() -> dict[int, _Room]:
    # One copy per event loop: one per server process; tests get a fresh one per loop.
    loop = asyncio.get_running_loop()
    found = _directories.get(loop)
    if found is None:
        found = _directories[loop] = {}
    return found


async def relay_peers(*, room_id: int, peer_ids: list[str]) -> dict[str, CachedPeer]:
    """The entries of `peer_ids` in the room that exist, as `peer_cache_get_many_async`
    returns them: from this process's copy when it has them all, else read from the store
    (and kept, unless the copy was dropped during the read). A peer the store lacked is
    read again next time: a live connection writes its lost entry again (after a Redis
    restart) without a push that would drop the copy."""
    room = _rooms().setdefault(room_id, _Room())
    if all(peer_id in room.peers for peer_id in peer_ids):
        return {peer_id: room.peers[peer_id] for peer_id in peer_ids}
    generation = room.generation
    found = await peer_cache_get_many_async(room_id=room_id, peer_ids=peer_ids)
    if room.generation == generation:
        room.peers.update(found)
    return found


def relay_forget_room(room_id: int) -> None:
    """Drop this process's copy of a room's peers (the next signal reads the store)."""
    room = _rooms().pop(room_id, None)
    if room is not None:
        room.generation += 1  # a read in flight keeps its answer but stores nothing


def _on_room_message(message: dict[str, Any]) -> None:
    if message.get("event") in _KEEP_PEERS:
        return
    _, _, room_id = message["topic"].partition(":")
    relay_forget_room(int(room_id))


watch_topic_kind("room", _on_room_message)
