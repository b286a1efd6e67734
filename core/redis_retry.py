"""Options for Redis connections (channel layer, cache, peer store): retries, no CLIENT SETINFO.

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
# redis-py tells the server its name and version on every new connection (CLIENT SETINFO):
# two more commands, and `importlib.metadata.version("redis")`, a scan of the installed
# packages (about 1 ms of CPU), each time, on the event loop for the asyncio clients. When the
# 50 peers of a signalling benchmark sent their first signals together, the pool opened a
# connection for each, and those signals waited 100-140 ms (docs/performance.md). The server
# needs no name on our connections.
_NO_CLIENT_SETINFO: dict[str, Any] = {"driver_info": None}


def _backoff() -> ExponentialBackoff:
    return ExponentialBackoff(cap=0.1, base=0.01)


def async_pool_options() -> dict[str, Any]:
    """Connection-pool options for channels-redis and the other asyncio clients."""
    return {
        "retry": AsyncRetry(_backoff(), RETRIES),
        "retry_on_error": list(_RETRIED),
        **_NO_CLIENT_SETINFO,
    }


def sync_pool_options() -> dict[str, Any]:
    """Connection-pool options for Django's RedisCache and the other redis-py clients."""
    return {
        "retry": Retry(_backoff(), RETRIES),
        "retry_on_error": list(_RETRIED),
        **_NO_CLIENT_SETINFO,
    }
