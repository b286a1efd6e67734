"""The registry of topic handlers: how apps plug topics (`user`, `dm`, `room`) into the gateway.

An app subclasses `TopicHandler`, sets `kind`, declares its frame types with `@frame`, and
registers an instance with `@topic_handler` in its `handlers.py` (imported from its
`AppConfig.ready`). The gateway validates every frame's `data` against the declared schema
before calling the handler, so a handler only sees well-formed input.
"""

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel

from realtime.context import Context
from realtime.errors import GatewayError
from realtime.schemas import FRAME_TYPE_PATTERN, RESERVED_TYPES, EmptyData, Payload
from realtime.topics import Topic, is_valid_kind

__all__ = [
    "RESERVED_TYPES",
    "FrameSpec",
    "JoinResult",
    "LeaveReason",
    "TopicHandler",
    "frame",
    "get_handler",
    "register",
    "registered_handlers",
    "topic_handler",
    "unregister",
]

LeaveReason = Literal["leave", "disconnect", "evicted", "refused"]
FrameMethod = Callable[..., Awaitable[Payload | None]]
_F = TypeVar("_F", bound=FrameMethod)
_H = TypeVar("_H", bound="TopicHandler")
_FRAME_ATTR = "_gateway_frame"


@dataclass(frozen=True)
class JoinResult:
    """What `TopicHandler.join` may return instead of a plain payload.

    `data` is the join reply's data. `seq`, for topics whose pushes carry a sequence number
    (see `push_on_commit(seq=...)`), is the last one the reply's history includes: pushes
    numbered at or below it are then not relayed to this connection, so history and live
    pushes meet with no duplicate.
    """

    data: Payload | None = None
    seq: int | None = None


@dataclass(frozen=True)
class FrameSpec:
    frame_type: str
    schema: type[BaseModel]
    method: str
    pipelined: bool = False


def frame(
    frame_type: str, schema: type[BaseModel], *, pipelined: bool = False
) -> Callable[[_F], _F]:
    """Declare a handler method as the handler of client frames of `frame_type`.

    The method is called as `await method(ctx, topic, data)` with `data` an instance of
    `schema`, only for connections that have joined the topic. It returns the reply's data
    (a mapping, a pydantic model or None) or raises GatewayError.

    `pipelined`: the connection goes on reading the client's next frames while this one waits
    (for a commit, say), and sends the replies in frame order. The method must take its turn
    before it first waits (queue its work synchronously, as `chat.writer` does), since the
    frames after it may be handled meanwhile. Frames that are not pipelined still wait for
    every earlier frame's reply.
    """

    def mark(method: _F) -> _F:
        setattr(method, _FRAME_ATTR, (frame_type, schema, pipelined))
        return method

    return mark


class TopicHandler:
    """Base of an app's handler for one topic kind. One instance serves every connection.

    Keep per-connection state in `ctx.topic_state(topic)`, never on the handler.
    """

    kind: ClassVar[str]
    join_schema: ClassVar[type[BaseModel]] = EmptyData
    frames: ClassVar[dict[str, FrameSpec]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        frames: dict[str, FrameSpec] = {}
        for klass in reversed(cls.__mro__):
            for name, attribute in vars(klass).items():
                marker = getattr(attribute, _FRAME_ATTR, None)
                if marker is not None:
                    frame_type, schema, pipelined = marker
                    frames[frame_type] = FrameSpec(
                        frame_type=frame_type, schema=schema, method=name, pipelined=pipelined
                    )
        cls.frames = frames

    async def auto_join(self, ctx: Context) -> Iterable[Topic]:
        """Topics of this kind every new connection joins (as if it had sent `join`)."""
        return ()

    async def connected(self, ctx: Context) -> None:
        """Called once when a connection opens, before the auto-joins (e.g. presence).
        Exceptions are logged; the connection still opens."""

    async def disconnected(self, ctx: Context) -> None:
        """Called once when the connection is gone, after it left every topic.
        Exceptions are logged."""

    async def join(self, ctx: Context, topic: Topic, data: Any) -> JoinResult | Payload | None:
        """Authorise `ctx.user` on `topic` and return the join reply's data.

        `data` is an instance of `join_schema`. Raise GatewayError (forbidden, not_found, ...)
        to refuse. Called again when a connection re-joins a topic it is in. The default
        refuses, so a handler that forgets to authorise lets nobody in.
        """
        raise GatewayError("forbidden", "You may not join this topic.")

    async def leave(self, ctx: Context, topic: Topic, reason: LeaveReason) -> None:
        """Clean up after the connection left `topic` (it no longer gets its pushes).

        Called on `leave`, on disconnect, on eviction and when a re-join is refused.
        Exceptions are logged and do not stop the other topics' clean-up.
        """

    async def handle_frame(
        self, ctx: Context, topic: Topic, frame_type: str, data: BaseModel
    ) -> Payload | None:
        """Call the `@frame` method for `frame_type` (which the gateway has checked exists)."""
        method: FrameMethod = getattr(self, self.frames[frame_type].method)
        return await method(ctx, topic, data)


_handlers: dict[str, TopicHandler] = {}


def _check(handler: TopicHandler) -> None:
    kind = getattr(handler, "kind", "")
    if not is_valid_kind(kind):
        raise ImproperlyConfigured(f"{type(handler).__name__}.kind {kind!r} is not a topic kind.")
    for frame_type in handler.frames:
        if re.fullmatch(FRAME_TYPE_PATTERN, frame_type) is None or len(frame_type) > 64:
            raise ImproperlyConfigured(f"{frame_type!r} is not a frame type.")
        if frame_type in RESERVED_TYPES:
            raise ImproperlyConfigured(f"Frame type {frame_type!r} is reserved by the gateway.")


def _class_path(handler: TopicHandler) -> str:
    return f"{type(handler).__module__}.{type(handler).__qualname__}"


def register(handler: TopicHandler) -> TopicHandler:
    """Register `handler` for its kind. Raises ImproperlyConfigured for a bad or taken kind."""
    _check(handler)
    existing = _handlers.get(handler.kind)
    # The same class registered again (a module imported twice) replaces itself quietly.
    if existing is not None and _class_path(existing) != _class_path(handler):
        raise ImproperlyConfigured(
            f"Topic kind {handler.kind!r} is already handled by {type(existing).__name__}."
        )
    _handlers[handler.kind] = handler
    return handler


def topic_handler(cls: type[_H]) -> type[_H]:
    """Class decorator: register one instance of the decorated TopicHandler subclass."""
    register(cls())
    return cls


def unregister(kind: str) -> None:
    """Forget the handler of `kind` (for tests)."""
    _handlers.pop(kind, None)


def get_handler(kind: str) -> TopicHandler | None:
    return _handlers.get(kind)


def registered_handlers() -> list[TopicHandler]:
    return list(_handlers.values())
