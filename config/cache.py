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
from django.core.signals import setting_changed

_shared: BaseCache | None = None
_lock = threading.Lock()


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


def _forget_on_new_settings(*, setting: str, **_kwargs: Any) -> None:
    # Tests give each case its own CACHES (a fresh key prefix): build the backend again.
    global _shared
    if setting == "CACHES":
        _shared = None


setting_changed.connect(_forget_on_new_settings)
