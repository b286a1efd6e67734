"""The per-process writer of chat messages: `message.send` frames that arrive together are
stored together, in one thread hop and one transaction (`chat.sending`).

Under load the one database thread of the process is the bottleneck; committing a batch costs
about as much as committing one message (a dozen round trips, each of them a wake-up of
another thread), so frames that queue while a batch commits go out in the next one. At a quiet
moment a message is written at once. While others are sending (a batch ended less than
BUSY_SECONDS ago), the writer lingers CHAT_SEND_BATCH_LINGER_MS (1 by default) before it takes
the next batch: without it, batches of senders waiting for their replies stay at a few
messages, and each message pays most of a batch's cost. Each sender's reply is answered only
after the commit that stored its message, and the pushes go out on that commit.
"""

import asyncio
import logging
import math
import weakref
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.models import User
from chat import actions
from realtime.db import database_sync_to_async
from realtime.topics import Topic

logger = logging.getLogger(__name__)

# A batch that ended this recently means others are sending: worth lingering for company.
BUSY_SECONDS = 0.02


@dataclass
class _Pending:
    item: actions.SendItem
    future: asyncio.Future[dict[str, Any]] = field(repr=False)


class MessageWriter:
    """Gathers send requests of one event loop and stores them in batches."""

    def __init__(self, *, linger: float, max_batch: int) -> None:
        self.linger = linger
        self.max_batch = max_batch
        self._pending: list[_Pending] = []
        self._task: asyncio.Task[None] | None = None
        self._last_batch_end = -math.inf  # event-loop time
        self.batches = 0  # batches written, for tests and benchmarks

    async def send(self, *, user: User, topic: Topic, body: str, client_id: str) -> dict[str, Any]:
        """The stored message's payload, once committed. Raises GatewayError for a refusal,
        or the exception that failed this message's write."""
        loop = asyncio.get_running_loop()
        pending = _Pending(actions.SendItem(user, topic, body, client_id), loop.create_future())
        self._pending.append(pending)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        return await pending.future

    def _busy(self) -> bool:
        """Whether a batch ended within BUSY_SECONDS: others are sending."""
        loop = asyncio.get_running_loop()
        return loop.time() - self._last_batch_end < BUSY_SECONDS

    async def _drain(self) -> None:
        while self._pending:
            if self.linger > 0 and len(self._pending) < self.max_batch and self._busy():
                await asyncio.sleep(self.linger)
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            try:
                outcomes = await database_sync_to_async(actions.send_batch)(
                    [pending.item for pending in batch]
                )
            except Exception as exc:
                logger.exception("chat writer: a batch of %d failed", len(batch))
                outcomes = [exc] * len(batch)
            self.batches += 1
            self._last_batch_end = asyncio.get_running_loop().time()
            for pending, outcome in zip(batch, outcomes, strict=True):
                if pending.future.done():  # the sender's connection went away meanwhile
                    continue
                if isinstance(outcome, BaseException):
                    pending.future.set_exception(outcome)
                else:
                    pending.future.set_result(outcome)


_writers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MessageWriter]" = (
    weakref.WeakKeyDictionary()
)


def writer() -> MessageWriter:
    """The writer of the running event loop (one per server process; tests get one per loop)."""
    loop = asyncio.get_running_loop()
    found = _writers.get(loop)
    if found is None:
        found = MessageWriter(
            linger=float(getattr(settings, "CHAT_SEND_BATCH_LINGER_MS", 1)) / 1000,
            max_batch=int(getattr(settings, "CHAT_SEND_BATCH_MAX", 100)),
        )
        _writers[loop] = found
    return found
