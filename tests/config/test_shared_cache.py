"""One cache backend per process for the gateway's long-lived connection tasks."""

import asyncio
from typing import Any

from django.core.cache import caches

from chat.presence_store import online_user_ids, presence_add
from core.cache import shared_cache


async def _backends_seen_by_a_task() -> tuple[Any, Any]:
    return caches["default"], shared_cache()


async def test_connection_tasks_share_one_backend() -> None:
    """Django's `caches` gives each task (each socket) a backend, and with Redis a connection,
    of its own; the shared one is the same in every task."""
    first, second = await asyncio.gather(_backends_seen_by_a_task(), _backends_seen_by_a_task())
    assert first[0] is not second[0]
    assert first[1] is second[1]


def test_new_cache_settings_give_a_new_backend(settings: Any) -> None:
    before = shared_cache()
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-again"}
        for name, config in settings.CACHES.items()
    }
    after = shared_cache()
    assert after is not before
    assert after.key_prefix.endswith("-again")


def test_presence_goes_through_the_shared_backend() -> None:
    presence_add(user_id=41)
    assert online_user_ids([41, 42]) == {41}
    assert shared_cache().get("chat-presence:41") == 1
