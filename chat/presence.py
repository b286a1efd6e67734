"""Who is online now, across every tab and every daphne process.

A user is online while they have at least one open gateway connection. Each connection adds
one to the user's count in the cache (Redis in production, shared by all processes) when it
opens and takes it back when it closes (`chat.presence_store`); every open connection refreshes
the count every `PRESENCE_REFRESH` seconds, so it outlives no process that died, and a Redis
restart is repaired by the refreshes.

When a user comes online or goes offline, the other members of their direct conversations
get the push `online` `{"user_id", "online"}` on their own `user:` topic, where every page
(inbox, conversation) listens. Going offline waits `CHAT_PRESENCE_GRACE_SECONDS` first, so a
page load (old socket closed, new one opened) is not announced as a departure.
"""

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings

from chat.presence_store import (
    online_user_ids,
    presence_add,
    presence_refresh,
    presence_remove,
    presence_should_announce,
)
from chat.selectors import conversation_partner_ids
from realtime.broadcast import push
from realtime.context import Context
from realtime.db import database_sync_to_async
from realtime.users import user_topic

logger = logging.getLogger(__name__)

PRESENCE_REFRESH = 20
ONLINE_EVENT = "online"

T = TypeVar("T")
# This process's open connections (connection id → user id), refreshed by one task per event
# loop rather than one per connection: a task per idle socket cost memory per connection.
_connected: dict[str, int] = {}
_refresher: asyncio.Task[None] | None = None
# Delayed offline announcements, kept referenced until they finish.
_pending: set[asyncio.Task[None]] = set()


def grace_seconds() -> float:
    return float(getattr(settings, "CHAT_PRESENCE_GRACE_SECONDS", 3.0))


# --- the gateway's side (async) ---------------------------------------------------------------


async def _cache(function: Callable[[], T]) -> T:
    # Cache calls block on the network (Redis): run them off the event loop, and not on the
    # database thread, which chat frames need.
    return await sync_to_async(function, thread_sensitive=False)()


async def _announce(user_id: int, online: bool) -> None:
    if not await _cache(lambda: presence_should_announce(user_id=user_id, online=online)):
        return
    partners = await database_sync_to_async(conversation_partner_ids)(user_id=user_id)
    data: dict[str, Any] = {"user_id": user_id, "online": online}
    for partner in partners:
        await push(user_topic(partner), ONLINE_EVENT, data)


async def presence_connected(ctx: Context) -> None:
    """A connection opened: count it, keep the count alive while it lasts, and announce the
    user if this is their first connection."""
    user_id = ctx.user.pk
    # Registered first: if the cache is down now, the refresh adds the connection once it is back.
    _connected[ctx.connection_id] = user_id
    _ensure_refresher()
    count = await _cache(lambda: presence_add(user_id=user_id))
    if count == 1:
        await _announce(user_id, True)


async def presence_disconnected(ctx: Context) -> None:
    """A connection closed: uncount it; after the grace period, announce the user offline if
    no connection of theirs is left on any process."""
    _connected.pop(ctx.connection_id, None)
    user_id = ctx.user.pk
    if await _cache(lambda: presence_remove(user_id=user_id)) > 0:
        return
    grace = grace_seconds()
    if grace <= 0:
        await _offline_if_still_gone(user_id)
        return
    later = asyncio.create_task(_offline_after(user_id, grace))
    _pending.add(later)
    later.add_done_callback(_pending.discard)


async def _offline_after(user_id: int, grace: float) -> None:
    await asyncio.sleep(grace)
    try:
        await _offline_if_still_gone(user_id)
    except Exception:
        logger.exception("presence: announcing user %s offline failed", user_id)


async def _offline_if_still_gone(user_id: int) -> None:
    if not await _cache(lambda: online_user_ids([user_id])):
        await _announce(user_id, False)


def _ensure_refresher() -> None:
    global _refresher  # one refresher per process (its event loop)
    loop = asyncio.get_running_loop()
    if _refresher is None or _refresher.done() or _refresher.get_loop() is not loop:
        _refresher = loop.create_task(_keep_fresh())


async def _keep_fresh() -> None:
    """Every PRESENCE_REFRESH seconds, keep the counts of this process's users alive (once
    per user and connection, as `presence_refresh` re-adds a connection whose key expired)."""
    while True:
        await asyncio.sleep(PRESENCE_REFRESH)
        for user_id in list(_connected.values()):
            try:
                await _cache(functools.partial(presence_refresh, user_id=user_id))
            except Exception:
                logger.warning("presence refresh failed for user %s", user_id, exc_info=True)
