"""The process's cache backend, for code that runs in long-lived tasks (gateway connections).

`django.core.cache.caches` keeps one backend per context (an asgiref Local): every WebSocket
connection's task got a backend of its own, and with Redis a connection pool and a Redis
connection of its own, held as long as the socket stayed open (2,000 idle sockets held 2,000
Redis connections). The Redis and local-memory backends are safe to share between threads, so
one backend per process serves every connection.
"""

import threading
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed

_shared: BaseCache | None = None
_lock = threading.Lock()
# The redis-py client of the shared backend, and the backend it was built for.
_redis_client: tuple[BaseCache, Any] | None = None


def shared_cache() -> BaseCache:
    """The `default` cache backend, one instance per process."""
    global _shared
    found = _shared
    if found is None:
        with _lock:
            if _shared is None:
                _shared = caches.create_connection("default")
            found = _shared
    return found


def shared_redis_client() -> Any | None:
    """The redis-py client of the shared backend when it is Redis (for pipelines), else None.

    Django's RedisCache builds a new client object, with its table of about 170 reply
    callbacks, on every call: 0.16 ms of the database thread per chat batch on the 2-core
    machine. This one is built once per backend; redis-py clients are thread-safe (each
    command takes a connection from the backend's pool)."""
    global _redis_client
    backend = shared_cache()
    if not isinstance(backend, RedisCache):
        return None
    built = _redis_client
    if built is None or built[0] is not backend:
        built = _redis_client = (backend, backend._cache.get_client(write=True))
    return built[1]


def _forget_on_new_settings(*, setting: str, **_kwargs: Any) -> None:
    # Tests give each case its own CACHES (a fresh key prefix): build the backend again.
    global _shared, _redis_client
    if setting == "CACHES":
        _shared = None
        _redis_client = None


setting_changed.connect(_forget_on_new_settings)
