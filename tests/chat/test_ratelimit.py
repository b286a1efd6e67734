"""Messages per minute per author (chat/ratelimit.py), on the configured cache: Redis in CI."""

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from chat.ratelimit import COUNTER_SECONDS, rate_allowances


def test_allowances_count_across_batches_and_authors(settings: Any) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    assert rate_allowances({1: 2, 2: 5}) == {1: 2, 2: 3}
    assert rate_allowances({1: 2, 2: 1}) == {1: 1, 2: 0}
    assert rate_allowances({1: 1}) == {1: 0}


def test_counters_are_ordinary_cache_values_that_expire(settings: Any) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 100
    window = int(timezone.now().timestamp() // 60)
    rate_allowances({7: 4})
    rate_allowances({7: 2})
    if int(timezone.now().timestamp() // 60) != window:
        return  # a minute boundary passed: the counter started again
    cache = caches["default"]
    key = f"chat-rate:7:{window}"
    assert cache.get(key) == 6
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        ttl = client.ttl(cache.make_and_validate_key(key))
        assert 0 < ttl <= COUNTER_SECONDS
