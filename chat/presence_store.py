"""Presence counts in the cache: how many open connections each user has, on every process.

The count expires `PRESENCE_TTL` seconds after its last refresh; every open connection
refreshes it (see `chat.presence`), so counts left behind by a process that died fade out.
"""

import logging
from collections.abc import Iterable

from core.cache import shared_cache

logger = logging.getLogger(__name__)

PRESENCE_TTL = 60


def _count_key(user_id: int) -> str:
    return f"chat-presence:{user_id}"


def _shown_key(user_id: int) -> str:
    # What the partners were last told, so a reload announces nothing.
    return f"chat-presence-shown:{user_id}"


def presence_add(*, user_id: int) -> int:
    """One more open connection for the user; returns the new count."""
    cache = shared_cache()
    key = _count_key(user_id)
    cache.add(key, 0, timeout=PRESENCE_TTL)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=PRESENCE_TTL)
        count = 1
    cache.touch(key, PRESENCE_TTL)
    return count


def presence_remove(*, user_id: int) -> int:
    """One connection fewer; returns the new count (0 when the key had expired)."""
    cache = shared_cache()
    key = _count_key(user_id)
    try:
        count = int(cache.decr(key))
    except ValueError:
        return 0
    if count <= 0:
        cache.delete(key)  # never negative, even after an expiry and a re-add
        return 0
    return count


def presence_refresh(*, user_id: int) -> None:
    """Keep the user's count alive; re-add this connection if the key is gone (Redis lost it)."""
    if not shared_cache().touch(_count_key(user_id), PRESENCE_TTL):
        presence_add(user_id=user_id)


def online_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are online now (one cache round trip). Never raises: with the cache
    unreachable, nobody is shown online."""
    cache = shared_cache()
    ids = list(user_ids)
    if not ids:
        return set()
    try:
        counts = cache.get_many([_count_key(uid) for uid in ids])
    except Exception:
        logger.warning("presence unknown: the cache is unreachable", exc_info=True)
        return set()
    return {uid for uid in ids if int(counts.get(_count_key(uid)) or 0) > 0}


def presence_should_announce(*, user_id: int, online: bool) -> bool:
    """Record `online` as what partners know; False when they already know it."""
    cache = shared_cache()
    key = _shown_key(user_id)
    if cache.get(key) == online:
        return False
    cache.set(key, online, timeout=None)
    return True
