"""Fan-out from services to connected clients, through the channel layer.

Services write first and push after commit (`push_on_commit`), so a push never announces a row
that was rolled back. The frame is encoded once here, not once per recipient. The channel
layer is a delivery optimisation: a client that missed pushes catches up when it re-joins.
"""

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from django.db import transaction

from realtime import outbox
from realtime.hub import EVICT_MESSAGE, PUSH_MESSAGE, TEXTS_KEY, publish, send_to_address
from realtime.schemas import RESERVED_TYPES, Payload, encode_push
from realtime.topics import Topic

logger = logging.getLogger(__name__)


def _push_message(
    topic: str, event_type: str, data: Payload | None, seq: int | None
) -> tuple[Topic, dict[str, Any]]:
    parsed = Topic.parse(topic)
    if event_type in RESERVED_TYPES:
        raise ValueError(f"{event_type!r} is a gateway frame type; pick another event name.")
    text = encode_push(str(parsed), event_type, data)
    message = {
        "type": PUSH_MESSAGE,
        "group": parsed.group,
        "topic": str(parsed),
        "event": event_type,  # for watchers of the topic kind (realtime.hub.watch_topic_kind)
        "text": text,
        "seq": seq,
    }
    return parsed, message


def _evict_message(topic: str, user_id: int | None, reason: str) -> tuple[Topic, dict[str, Any]]:
    parsed = Topic.parse(topic)
    message = {
        "type": EVICT_MESSAGE,
        "group": parsed.group,
        "topic": str(parsed),
        "user_id": user_id,
        "reason": reason,
    }
    return parsed, message


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server when this thread is one of its database threads
    (asgiref's sync_to_async records it there), else None (Celery, commands, WSGI)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    return loop if loop is not None and loop.is_running() else None


def _group_send_now(group: str, message: dict[str, Any]) -> None:
    loop = _server_loop()
    if loop is None:
        async_to_sync(publish)(group, message)
        return
    # In the server, hand the publish to the event loop and return: waiting for Redis here
    # held up every other connection's writes.
    outbox.hand_over(loop, group, message)


def _send_later(group: str, message: dict[str, Any]) -> Callable[[], None]:
    # A function, not functools.partial: Django logs a failing robust on_commit callback by its
    # __qualname__, which a partial lacks, so the log call itself raised and the error escaped.
    def send_after_commit() -> None:
        _group_send_now(group, message)

    return send_after_commit


def group_send_on_commit(group: str, message: dict[str, Any], *, using: str | None = None) -> None:
    """After the current transaction commits (at once outside one), send a channel-layer
    message the gateway understands to `group`; nothing if the transaction rolls back. A
    failure of the channel layer is logged, never raised. Services use `push_on_commit`."""
    transaction.on_commit(_send_later(group, message), using, robust=True)


def push_on_commit(
    topic: str,
    event_type: str,
    data: Payload | None = None,
    *,
    seq: int | None = None,
    using: str | None = None,
) -> None:
    """After the current transaction commits, send `{"type": event_type, "topic", "data"}` to
    every connection that has joined `topic`. Outside a transaction it sends at once; if the
    transaction rolls back nothing is sent.

    `seq` (optional) is the per-topic sequence number of what is announced; a connection that
    joined with history up to N (`JoinResult(seq=N)`) skips pushes with `seq <= N`.
    Raises ValueError for a malformed topic, a reserved event type or data that is not JSON
    (pydantic's errors are ValueErrors), at call time, inside the caller's transaction. A
    failure of the channel layer after commit is logged, never raised: the row is committed.
    """
    parsed, message = _push_message(topic, event_type, data, seq)
    group_send_on_commit(parsed.group, message, using=using)


def push_each_on_commit(
    topic: str,
    event_type: str,
    data: Payload | None,
    data_by_user: Mapping[int, Payload],
    *,
    using: str | None = None,
) -> None:
    """As push_on_commit, but a connection of a user in `data_by_user` receives that user's
    data instead of `data` (a round's pairings: each participant their own). One group message
    carries every version, encoded once here, so a thousand members cost one publish, not a
    thousand; each connection picks its own text as the hub hands the message over."""
    parsed, message = _push_message(topic, event_type, data, None)
    message[TEXTS_KEY] = {
        str(user_id): encode_push(str(parsed), event_type, user_data)
        for user_id, user_data in data_by_user.items()
    }
    group_send_on_commit(parsed.group, message, using=using)


def evict_on_commit(
    topic: str, *, user_id: int | None = None, reason: str = "", using: str | None = None
) -> None:
    """After commit, make connections leave `topic`: all of them, or those of `user_id`.

    Each evicted connection gets the push `{"type": "left", "topic", "data": {"reason"}}` and
    its handler's `leave(..., reason="evicted")`. Use it when access is withdrawn (a
    participant removed from a room), since pushes would otherwise keep flowing.
    """
    parsed, message = _evict_message(topic, user_id, reason)
    group_send_on_commit(parsed.group, message, using=using)


async def push(
    topic: str, event_type: str, data: Payload | None = None, *, seq: int | None = None
) -> None:
    """Async variant of push_on_commit for async code that holds no transaction: sends now.

    Raises like push_on_commit; channel-layer errors propagate to the caller.
    """
    parsed, message = _push_message(topic, event_type, data, seq)
    await publish(parsed.group, message)


async def push_to_channel(
    channel_name: str, topic: str, event_type: str, data: Payload | None = None
) -> None:
    """Send a push to one connection (its `ctx.channel_name`), e.g. a signal to one peer.

    The connection relays it only while it has joined `topic`. A connection of this process
    gets it directly, without the channel layer.
    """
    _parsed, message = _push_message(topic, event_type, data, None)
    await send_to_address(channel_name, message)


async def evict_channel(
    channel_name: str, topic: str, *, user_id: int | None = None, reason: str = ""
) -> None:
    """Make one connection (its `ctx.channel_name`) leave `topic`, as `evict` does."""
    _parsed, message = _evict_message(topic, user_id, reason)
    await send_to_address(channel_name, message)


async def evict(topic: str, *, user_id: int | None = None, reason: str = "") -> None:
    """Async variant of evict_on_commit: evicts now."""
    parsed, message = _evict_message(topic, user_id, reason)
    await publish(parsed.group, message)
