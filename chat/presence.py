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
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings

from chat.presence_store import (
    online_user_ids,
    presence_add,
    presence_refresh,
    presence_remove,
    presence_should_announce,
)
from chat.selectors import conversation_partner_ids
from profiles.handlers import user_topic
from realtime.broadcast import push
from realtime.context import Context

logger = logging.getLogger(__name__)

PRESENCE_REFRESH = 20
ONLINE_EVENT = "online"

T = TypeVar("T")
# Refresh tasks of this process's connections, by connection id.
_refreshers: dict[str, asyncio.Task[None]] = {}
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
    # Started first: if the cache is down now, the refresh adds the connection once it is back.
    _refreshers[ctx.connection_id] = asyncio.create_task(_keep_fresh(user_id))
    count = await _cache(lambda: presence_add(user_id=user_id))
    if count == 1:
        await _announce(user_id, True)


async def presence_disconnected(ctx: Context) -> None:
    """A connection closed: uncount it; after the grace period, announce the user offline if
    no connection of theirs is left on any process."""
    task = _refreshers.pop(ctx.connection_id, None)
    if task is not None:
        task.cancel()
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


async def _keep_fresh(user_id: int) -> None:
    while True:
        await asyncio.sleep(PRESENCE_REFRESH)
        try:
            await _cache(lambda: presence_refresh(user_id=user_id))
        except Exception:
            logger.warning("presence refresh failed for user %s", user_id, exc_info=True)
