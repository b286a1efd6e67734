"""Messages per minute per author (chat/ratelimit.py), on the configured cache: Redis in CI,
and in each process when the cache is down."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from chat.ratelimit import COUNTER_SECONDS, forget_local_counters, rate_allowances
from core import redis_retry


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


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """The cache is a Redis nobody listens to (issue 18, item 8)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and closed again: connections are refused
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": redis_retry.sync_pool_options(),
        }
    }
    forget_local_counters()
    yield
    forget_local_counters()


@pytest.mark.usefixtures("redis_down")
def test_with_the_cache_down_each_process_limits_at_the_same_rate(settings: Any) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    window = int(timezone.now().timestamp() // 60)
    first = rate_allowances({1: 2, 2: 5})
    second = rate_allowances({1: 2, 2: 1})
    if int(timezone.now().timestamp() // 60) != window:
        return  # a minute boundary passed: the counters started again
    assert first == {1: 2, 2: 3}
    assert second == {1: 1, 2: 0}
