"""The push side of a gateway connection: what the hub hands it, relayed in order.

A push goes out at once unless pushes are waiting their turn (behind a client frame being
answered, or behind a send the socket holds up); then it queues, and whoever made them wait
works the queue off. A client too slow to keep up is closed and resumes from history.
"""

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from realtime.context import Context
from realtime.eager import run_eagerly
from realtime.errors import CloseCode
from realtime.hub import CLOSE_MESSAGE, EVICT_MESSAGE, TEXTS_KEY, TO_KEY
from realtime.registry import LeaveReason
from realtime.schemas import encode_push
from realtime.sessions import SessionGuard
from realtime.topics import Topic

logger = logging.getLogger(__name__)

# Pushes waiting behind a send the socket is holding up; past this the client is too slow to
# keep up and is closed (it resumes from history when it reconnects).
MAX_BACKLOG = 1000


class HubDelivery:
    """Mixed into `realtime.connection.Connection`, which sets these attributes and provides
    the methods below that raise NotImplementedError."""

    ctx: Context
    _guard: SessionGuard
    _seq_floor: dict[str, int]
    _not_listening: set[str]
    _outbox: deque[dict[str, Any]] | None
    _outbox_worker: "asyncio.Task[None] | None"
    _closer: "asyncio.Task[None] | None"
    _in_line: int

    async def _send(self, text: str) -> None:
        raise NotImplementedError

    async def close(self, code: int) -> None:
        raise NotImplementedError

    def _close_ended(self, code: int) -> None:
        raise NotImplementedError

    async def _drop(self, topic: Topic, reason: LeaveReason | None) -> None:
        raise NotImplementedError

    def deliver(self, message: dict[str, Any]) -> None:
        """Take a push or an eviction from the hub: handle it now, unless pushes are waiting
        their turn (then it queues behind them, so order is kept). A close order for the
        connection is carried out at once, ahead of waiting pushes."""
        if message["type"] == CLOSE_MESSAGE:
            code = self._guard.order(message)
            if code is not None:
                self._close_ended(code)
            return
        if self._outbox is not None:
            if len(self._outbox) >= MAX_BACKLOG:
                logger.warning("%r: %d pushes behind, closing", self, len(self._outbox))
                self._outbox.clear()
                self._closer = run_eagerly(self.close(CloseCode.TRY_AGAIN_LATER))
                return
            self._outbox.append(message)
            return
        waiting = run_eagerly(self._handle(message))
        if waiting is not None:  # the socket holds it up: the rest waits for it
            self._outbox = deque()
            self._outbox_worker = asyncio.ensure_future(self._finish_then_work_off(waiting))

    async def _finish_then_work_off(self, waiting: "asyncio.Task[None]") -> None:
        try:
            with contextlib.suppress(Exception):  # _handle logs its own failures
                await waiting
        finally:
            await self._work_off_outbox()

    async def _work_off_outbox(self) -> None:
        """Handle what gathered in the outbox, in order, then let pushes through again (unless
        pipelined frames still wait for their replies: pushes keep waiting behind those)."""
        try:
            while self._outbox:
                await self._handle(self._outbox.popleft())
        finally:
            if not self._in_line:
                self._outbox = None

    async def _handle(self, message: dict[str, Any]) -> None:
        try:
            if message["type"] == EVICT_MESSAGE:
                await self._evict(message)
            else:
                await self._relay(message)
        except Exception:
            logger.exception("%r: handling %s failed", self, message.get("type"))

    async def _relay(self, message: dict[str, Any]) -> None:
        """Forward a push from `realtime.broadcast` if this connection is in its topic (and the
        push is newer than the history the join returned)."""
        name = message["topic"]
        if name not in self.ctx._joined:
            return
        if name in self._not_listening and TO_KEY not in message:
            return
        seq, floor = message.get("seq"), self._seq_floor.get(name)
        if seq is not None and floor is not None and seq <= floor:
            return
        texts = message.get(TEXTS_KEY)
        text = texts.get(str(self.ctx.user.pk), message["text"]) if texts else message["text"]
        await self._send(text)

    async def _evict(self, message: dict[str, Any]) -> None:
        """Leave a topic on the server's order, telling the client with a `left` push."""
        user_id = message.get("user_id")
        if user_id is not None and user_id != self.ctx.user.pk:
            return
        topic = self.ctx._joined.get(message["topic"])
        if topic is None:
            return
        await self._drop(topic, "evicted")
        await self._send(encode_push(str(topic), "left", {"reason": message.get("reason", "")}))
