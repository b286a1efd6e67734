"""Retries for Redis connections (channel layer and cache).

A pooled connection opened before a Redis restart is dead afterwards; without a retry the
first command on it fails. For a publish after commit that means a push lost for good when no
later message reveals the gap, so each command is retried on a fresh connection, briefly:
while Redis is really down, callers (the on-commit publishes on the database thread) must
not wait long.
"""

from typing import Any

from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

RETRIES = 2
_RETRIED = [RedisConnectionError, RedisTimeoutError]


def _backoff() -> ExponentialBackoff:
    return ExponentialBackoff(cap=0.1, base=0.01)


def async_pool_options() -> dict[str, Any]:
    """Connection-pool options for channels-redis (redis.asyncio)."""
    return {"retry": AsyncRetry(_backoff(), RETRIES), "retry_on_error": list(_RETRIED)}


def sync_pool_options() -> dict[str, Any]:
    """Connection-pool options for Django's RedisCache (redis-py)."""
    return {"retry": Retry(_backoff(), RETRIES), "retry_on_error": list(_RETRIED)}
