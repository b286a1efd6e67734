"""One gateway connection: frame intake, routing to topic handlers, keep-alive, clean-up.

The consumer (realtime/consumer.py) only adapts ASGI events to this class. Every client frame
that carries a ref gets exactly one reply; a bad frame changes nothing and leaves the socket
open. Only an oversized frame (1009), silence (4408), repeated rate-limit strikes (4429) and
the end of the account or session behind it (4403, 4401: realtime.sessions) close it.
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from pydantic import BaseModel

from accounts.models import User
from core import metrics
from core.errors import ServiceError
from realtime.context import Context
from realtime.delivery import HubDelivery
from realtime.eager import run_eagerly
from realtime.errors import CloseCode, GatewayError
from realtime.hub import Hub
from realtime.keepalive import KeepAlive
from realtime.ratelimit import FrameRateLimiter, Verdict
from realtime.registry import (
    JoinResult,
    LeaveReason,
    TopicHandler,
    get_handler,
    registered_handlers,
)
from realtime.schemas import (
    ClientFrame,
    EmptyData,
    FrameError,
    Payload,
    Ping,
    PingData,
    PongFrame,
    encode_push,
    parse_frame,
    peek_frame,
    reply_error,
    reply_ok,
    utf8_size_exceeds,
    validate_data,
)
from realtime.sessions import SessionGuard, SocketAuth
from realtime.topics import Topic

logger = logging.getLogger(__name__)

SendText = Callable[[str], Awaitable[None]]
Close = Callable[[int], Awaitable[None]]
# A refused re-join with one of these codes means access is gone: the topic is left.
_ACCESS_LOST = frozenset({"unauthorized", "forbidden", "not_found"})
# Pipelined frames a connection takes in before it waits for their replies: a client sending
# faster than its frames are answered is slowed down, not buffered without end.
MAX_IN_LINE = 100


class Connection(HubDelivery):
    def __init__(
        self,
        *,
        user: User,
        hub: Hub,
        send_text: SendText,
        close: Close,
        auth: SocketAuth | None = None,
    ) -> None:
        self.ctx = Context(
            user=user,
            channel_name="",  # the hub gives the address in open()
            connection_id=secrets.token_urlsafe(9),
            _send_text=self._send,
            _set_listening=self._set_listening,
        )
        self._hub = hub
        self._send_text = send_text
        self._close = close
        self._closing = False
        self._shut_down = False
        # Settings are read per connection so tests (and a reload) can change them.
        self._max_frame_bytes: int = settings.WS_MAX_FRAME_BYTES
        self._max_topics: int = settings.WS_MAX_TOPICS
        self._limiter = FrameRateLimiter(
            rate=settings.WS_RATE_LIMIT_PER_SECOND,
            burst=settings.WS_RATE_LIMIT_BURST,
            max_strikes=settings.WS_RATE_LIMIT_STRIKES,
        )
        self._keepalive = KeepAlive(
            ping_interval=settings.WS_PING_INTERVAL_SECONDS,
            idle_timeout=settings.WS_IDLE_TIMEOUT_SECONDS,
            ping=self._ping,
            close_idle=self._close_idle,
        )
        self._guard = SessionGuard(
            user=user,
            auth=auth or SocketAuth(),
            interval=settings.WS_SESSION_RECHECK_SECONDS,
            close=self._close_ended,
        )
        self._seq_floor: dict[str, int] = {}
        # Joined topics whose group pushes this connection does not hear (Context.set_listening).
        self._not_listening: set[str] = set()
        # Not None while pushes must wait their turn: during the answer to a client frame (its
        # reply goes first, as a join's history must precede live pushes) or while a push is
        # held up by the socket. Whoever set it relays what gathers here, in order.
        self._outbox: deque[dict[str, Any]] | None = None
        # Tasks started here (asyncio itself holds tasks only weakly).
        self._outbox_worker: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._pinger: asyncio.Task[None] | None = None
        # Pipelined frames (FrameSpec.pipelined) whose replies are not sent yet, and the task
        # that sends the last one's (it waits for the replies before it).
        self._in_line = 0
        self._line: asyncio.Task[None] | None = None

    @property
    def hub_id(self) -> str:
        return self.ctx.connection_id

    def __repr__(self) -> str:
        return f"<Connection {self.ctx.connection_id} user={self.ctx.user.pk}>"

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Join the topics handlers join automatically (pushing `joined` for each), then start
        the keep-alive. A handler that fails here is logged; the connection still opens."""
        self._outbox = deque()
        try:
            await self._open()
        finally:
            await self._work_off_outbox()
        self._keepalive.start()
        self._guard.start()

    async def _open(self) -> None:
        self.ctx.channel_name = await self._hub.attach(self)
        # First of all, so that a close order for the user reaches the connection from now on.
        await self._hub.subscribe(self._guard.group, self)
        for handler in registered_handlers():
            try:
                await handler.connected(self.ctx)
            except Exception:
                logger.exception("%r: %s connected() failed", self, handler.kind)
        for handler in registered_handlers():
            try:
                topics = list(await handler.auto_join(self.ctx))
                for topic in topics:
                    data = await self._join(handler, topic, handler.join_schema.model_validate({}))
                    await self._send(encode_push(str(topic), "joined", data))
            except Exception:
                logger.exception("%r: auto-join of %s topics failed", self, handler.kind)

    async def close(self, code: int) -> None:
        if self._closing:
            return
        self._closing = True
        self._keepalive.stop()
        self._guard.stop()
        await self._close(code)

    async def shutdown(self) -> None:
        """The socket is gone: stop the keep-alive and leave every topic (handlers' leave with
        reason "disconnect"). Never raises."""
        self._closing = True
        self._keepalive.stop()
        self._guard.stop()
        for topic in list(self.ctx._joined.values()):
            await self._drop(topic, "disconnect")
        try:
            await self._hub.unsubscribe(self._guard.group, self)
        except Exception:
            logger.exception("%r: leaving the user's group failed", self)
        for handler in registered_handlers():
            try:
                await handler.disconnected(self.ctx)
            except Exception:
                logger.exception("%r: %s disconnected() failed", self, handler.kind)
        self._hub.detach(self)
        self._shut_down = True

    def abandon(self) -> None:
        """The connection's task ended without `shutdown` (it was cancelled): leave the hub,
        so no push is delivered to it and no subscription is kept for it."""
        if not self._shut_down:
            self._closing = True
            self._shut_down = True
            self._guard.stop()
            self._hub.forget(self)

    async def _send(self, text: str) -> None:
        if not self._closing:
            metrics.FRAMES_SENT.add()
            await self._send_text(text)

    def _ping(self) -> None:
        ping = Ping(data=PingData(ts=int(time.time() * 1000)))
        self._pinger = run_eagerly(self._send(ping.model_dump_json()))

    def _close_idle(self, silent_seconds: float) -> None:
        logger.info("%r: idle for %.1f s, closing", self, silent_seconds)
        self._closer = run_eagerly(self.close(CloseCode.IDLE_TIMEOUT))

    def _close_ended(self, code: int) -> None:
        logger.info("%r: its account or session ended, closing with %d", self, code)
        self._closer = run_eagerly(self.close(code))

    # --- client frames ------------------------------------------------------------------------

    async def receive(self, *, text: str | None, data: bytes | None) -> None:
        """Handle one client frame: size, rate, envelope, then the gateway or a handler."""
        if self._closing:
            return
        self._keepalive.touch()
        metrics.FRAMES_RECEIVED.add()
        too_big = (
            utf8_size_exceeds(text, self._max_frame_bytes)
            if text is not None
            else len(data or b"") > self._max_frame_bytes
        )
        if too_big:
            await self.close(CloseCode.MESSAGE_TOO_BIG)
            return
        # Every early refusal below waits for the replies of pipelined frames before it.
        verdict = self._limiter.admit()
        if verdict is not Verdict.ADMIT:
            await self._wait_for_line()
            await self._refuse_rate_limited(text, close=verdict is Verdict.CLOSE)
            return
        if text is None:
            await self._wait_for_line()
            metrics.count_error("ws", "bad_request")
            await self._send(reply_error(None, "bad_request", "Send JSON in text frames."))
            return
        try:
            frame = parse_frame(text)
        except FrameError as exc:
            await self._wait_for_line()
            metrics.count_error("ws", "bad_request")
            await self._send(reply_error(exc.ref, "bad_request", exc.message))
            return
        if isinstance(frame, PongFrame):
            return
        if self._outbox_worker is not None and not self._outbox_worker.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._outbox_worker)  # pushes held up by the socket first
        if self._is_pipelined(frame):
            if self._in_line >= MAX_IN_LINE:
                await self._wait_for_line()
            self._answer_in_line(frame)
            return
        await self._wait_for_line()
        self._outbox = deque()
        try:
            await self._send(await self._answer(frame))
        finally:
            await self._work_off_outbox()

    async def _wait_for_line(self) -> None:
        """Return once every pipelined frame received so far has its reply sent."""
        if self._line is not None and not self._line.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._line)

    def _is_pipelined(self, frame: ClientFrame) -> bool:
        # The envelope's pattern guarantees a `kind:id` topic; `_route` parses it in full.
        handler = get_handler(frame.topic.partition(":")[0])
        spec = handler.frames.get(frame.type) if handler is not None else None
        return spec is not None and spec.pipelined

    def _answer_in_line(self, frame: ClientFrame) -> None:
        """Start answering a pipelined frame and return, so the next frames are read while it
        waits: a client's queued chat messages go into one batch, not one commit each. Its
        handler takes its turn before it first waits; the replies go out in frame order, and
        pushes wait behind them as behind any reply."""
        if self._outbox is None:
            self._outbox = deque()
        self._in_line += 1
        task = run_eagerly(self._reply_in_turn(frame, self._line))
        if task is not None:
            self._line = task

    async def _reply_in_turn(
        self, frame: ClientFrame, previous: "asyncio.Task[None] | None"
    ) -> None:
        try:
            reply = await self._answer(frame)
            if previous is not None:
                with contextlib.suppress(Exception):
                    await previous
            await self._send(reply)
        except Exception:
            logger.exception("%r: replying to %s (ref %r) failed", self, frame.type, frame.ref)
        finally:
            self._in_line -= 1
            await self._work_off_outbox()
            if self._line is asyncio.current_task():
                self._line = None  # the last of the line: nothing left to wait for or keep

    async def _refuse_rate_limited(self, text: str | None, *, close: bool) -> None:
        frame_type, ref = peek_frame(text) if text is not None else (None, None)
        if frame_type != "pong":  # a pong never gets a reply, even a refusal
            metrics.count_error("ws", "rate_limited")
            await self._send(reply_error(ref, "rate_limited", "Too many frames; slow down."))
        if close:
            logger.warning("%r: rate limit strikes exhausted, closing", self)
            await self.close(CloseCode.RATE_LIMITED)

    async def _answer(self, frame: ClientFrame) -> str:
        try:
            result = await self._route(frame)
            return reply_ok(frame.ref, result)
        except ServiceError as exc:  # a refusal of the gateway's, a handler's or a service's
            metrics.count_error("ws", exc.code)
            return reply_error(frame.ref, exc.code, exc.message)
        except Exception:
            logger.exception(
                "%r: %s on %s (ref %r) failed", self, frame.type, frame.topic, frame.ref
            )
            metrics.count_error("ws", "internal")
            return reply_error(frame.ref, "internal", "Internal error.")

    async def _route(self, frame: ClientFrame) -> Payload | None:
        topic = Topic.parse(frame.topic)  # the envelope's pattern guarantees it parses
        handler = get_handler(topic.kind)
        if handler is None:
            raise GatewayError("not_found", f"No such topic kind: {topic.kind}.")
        if frame.type == "join":
            return await self._join(handler, topic, validate_data(handler.join_schema, frame.data))
        if frame.type == "leave":
            validate_data(EmptyData, frame.data)
            return await self._leave(handler, topic)
        spec = handler.frames.get(frame.type)
        if spec is None:
            raise GatewayError("bad_request", f"Unknown frame type {frame.type} on {topic.kind}.")
        if not self.ctx.is_joined(topic):
            raise GatewayError("forbidden", f"Join {topic} before sending to it.")
        return await handler.handle_frame(
            self.ctx, topic, frame.type, validate_data(spec.schema, frame.data)
        )

    # --- topics -------------------------------------------------------------------------------

    async def _join(self, handler: TopicHandler, topic: Topic, data: BaseModel) -> Payload | None:
        name = str(topic)
        rejoin = self.ctx.is_joined(topic)
        if not rejoin:
            if len(self.ctx._joined) >= self._max_topics:
                raise GatewayError("conflict", f"A connection may join {self._max_topics} topics.")
            # Subscribe before the handler reads history, so nothing published meanwhile is
            # missed; pushes that arrive during the join are relayed after its reply.
            self.ctx._joined[name] = topic
            try:
                await self._hub.subscribe(topic.group, self)
            except BaseException:
                self.ctx._joined.pop(name, None)
                raise
        try:
            result = await handler.join(self.ctx, topic, data)
        except ServiceError as exc:
            if not rejoin:
                await self._drop(topic, None)
            elif exc.code in _ACCESS_LOST:
                await self._drop(topic, "refused")
            raise
        except BaseException:
            if not rejoin:
                await self._drop(topic, None)
            raise
        if isinstance(result, JoinResult):
            if result.seq is None:
                self._seq_floor.pop(name, None)
            else:
                self._seq_floor[name] = result.seq
            return result.data
        return result

    async def _set_listening(self, topic: Topic, listening: bool) -> None:
        name = str(topic)
        if name not in self.ctx._joined:
            return
        if listening and name in self._not_listening:
            await self._hub.subscribe(topic.group, self)
            self._not_listening.discard(name)
        elif not listening and name not in self._not_listening:
            self._not_listening.add(name)
            await self._hub.unsubscribe(topic.group, self)

    async def _leave(self, handler: TopicHandler, topic: Topic) -> Payload | None:
        # Leaving a topic one is not in is a no-op, so a client can leave blindly on reconnect.
        if self.ctx.is_joined(topic):
            await self._drop(topic, "leave")
        return None

    async def _drop(self, topic: Topic, reason: LeaveReason | None) -> None:
        """Stop relaying `topic`, unsubscribe, and tell the handler (unless it never admitted
        the connection: reason None). Logs failures instead of raising."""
        name = str(topic)
        self.ctx._joined.pop(name, None)
        self._seq_floor.pop(name, None)
        self._not_listening.discard(name)
        try:
            await self._hub.unsubscribe(topic.group, self)
        except Exception:
            logger.exception("%r: leaving the group of %s failed", self, name)
        handler = get_handler(topic.kind)
        if reason is not None and handler is not None:
            try:
                await handler.leave(self.ctx, topic, reason)
            except Exception:
                logger.exception("%r: %s handler leave(%s) failed", self, topic.kind, reason)
        self.ctx._state.pop(topic, None)
