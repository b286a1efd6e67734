"""Messages per minute per author: counters in the cache, one round trip per batch on Redis.

When the cache is unreachable (Redis down), each process counts on its own, at the same rate:
an author can then send at most that rate on each process, instead of without limit.
"""

import logging
import threading

from django.utils import timezone

from chat.rules import messages_per_minute
from core.cache import shared_cache, shared_redis_client

logger = logging.getLogger(__name__)

# A counter outlives its minute a little, so a clock skew between processes cannot reset it.
COUNTER_SECONDS = 90


def rate_allowances(wanted: dict[int, int]) -> dict[int, int]:
    """How many of the new messages each author (id → how many they are sending now) may still
    send this minute. If the cache is unreachable, this process's own counters decide: chat
    keeps working, and stays limited."""
    window = int(timezone.now().timestamp() // 60)
    keys = {author_id: f"chat-rate:{author_id}:{window}" for author_id in wanted}
    deltas = {keys[author]: count for author, count in wanted.items()}
    try:
        counts = _add_to_counters(deltas)
    except Exception:
        logger.warning("chat rate limit counted in this process: the cache is unreachable")
        counts = _add_to_local_counters(deltas, window)
    limit = messages_per_minute()
    return {
        author: max(0, min(count, limit - (counts[keys[author]] - count)))
        for author, count in wanted.items()
    }


def _add_to_counters(deltas: dict[str, int]) -> dict[str, int]:
    """Add each delta to its counter (made at 0 when missing); the new values."""
    cache = shared_cache()  # the backend itself: `django.core.cache.cache` is a proxy
    client = shared_redis_client()
    if client is not None:
        # One pipeline instead of two commands per author: the database thread that runs
        # chat batches waits for every round trip. Keys and integer values are stored as
        # RedisCache stores them, so cache.get/incr still read these counters.
        pipeline = client.pipeline(transaction=False)
        for key, delta in deltas.items():
            full_key = cache.make_and_validate_key(key)
            pipeline.incrby(full_key, delta)
            pipeline.expire(full_key, COUNTER_SECONDS, nx=True)
        results = pipeline.execute()
        return {key: int(results[2 * index]) for index, key in enumerate(deltas)}
    counts: dict[str, int] = {}
    for key, delta in deltas.items():
        cache.add(key, 0, timeout=COUNTER_SECONDS)
        try:
            counts[key] = cache.incr(key, delta)
        except ValueError:  # expired between add and incr
            cache.set(key, delta, timeout=COUNTER_SECONDS)
            counts[key] = delta
    return counts


# The fallback's counters: key → (window, count). Sends run on several database threads.
_local_counts: dict[str, tuple[int, int]] = {}
_local_lock = threading.Lock()


def _add_to_local_counters(deltas: dict[str, int], window: int) -> dict[str, int]:
    with _local_lock:
        for key, (counted_in, _count) in list(_local_counts.items()):
            if counted_in < window:  # a past minute's: never read again
                del _local_counts[key]
        counts: dict[str, int] = {}
        for key, delta in deltas.items():
            _window, count = _local_counts.get(key, (window, 0))
            counts[key] = count + delta
            _local_counts[key] = (window, counts[key])
        return counts


def forget_local_counters() -> None:
    """Empty the fallback's counters (for tests)."""
    with _local_lock:
        _local_counts.clear()
