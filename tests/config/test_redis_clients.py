"""Our Redis connections do not announce themselves (CLIENT SETINFO). redis-py would send two
more commands on every new connection, and first look its own version up in the installed
packages' metadata (about 1 ms of CPU, on the event loop for the asyncio clients): the first
signals of a room waited 100-140 ms while the pool opened their connections
(config/redis_retry.py)."""

import os

import pytest
import redis
import redis.utils
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.core.cache import caches

from rooms import peercache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL)")


@pytest.fixture
def version_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time redis-py looks its version up to announce a connection."""
    lookups: list[str] = []

    def lookup() -> str:
        lookups.append("redis")
        return "0.0.0"

    monkeypatch.setattr(redis.utils, "get_lib_version", lookup)
    return lookups


def test_a_default_client_would_announce_itself(version_lookups: list[str]) -> None:
    # The spy sees what redis-py does by default, so the tests below can fail.
    client = redis.Redis.from_url(REDIS_URL)
    assert client.ping()
    client.close()
    assert version_lookups  # once or more per new connection


async def test_the_peer_store_connections_do_not(
    version_lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(peercache, "_sync_clients", {})
    assert await peercache._async_client().ping()  # a new client for this test's event loop
    assert peercache._sync_client().ping()
    assert version_lookups == []


def test_the_cache_connections_do_not(version_lookups: list[str]) -> None:
    backend = caches.create_connection("default")
    backend.set("test:announce", 1)
    assert backend.get("test:announce") == 1
    backend.delete("test:announce")
    assert version_lookups == []


async def test_the_channel_layer_connections_do_not(version_lookups: list[str]) -> None:
    layer = RedisPubSubChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
    try:
        await layer.send("test.nobody", {"type": "probe"})  # opens the shard's connection
    finally:
        await layer.flush()
    assert version_lookups == []
