"""Handing pushes committed on a database thread to the server's event loop, in order.

The database thread (one per process) is the bottleneck of chat, so after a commit it only
appends the pushes here and returns; one task of the event loop publishes them. A chat batch
commits tens of pushes (each message, each member's inbox): handed over one by one, each
woke the loop and started its own task and Redis round trip. Within `holding_pushes()`
(every gateway database call, realtime.db) a thread keeps what it commits and hands it all
over when the call ends: one wake-up, and one `publish_many` (one Redis round trip).
"""

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Iterator
from typing import Any

from realtime.hub import publish_many
from realtime.pipeline import GroupMessage

logger = logging.getLogger(__name__)


class _Outbox:
    """The pushes waiting for one event loop, published by one drain task at a time, in the
    order they were handed over. It holds no reference to its loop (the registry below is
    keyed by the loop, weakly)."""

    def __init__(self) -> None:
        self._messages: list[GroupMessage] = []
        self._lock = threading.Lock()
        self._draining = False  # a drain task is scheduled or running
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, loop: asyncio.AbstractEventLoop, messages: list[GroupMessage]) -> None:
        with self._lock:
            self._messages += messages
            if self._draining:
                return  # the running drain takes them too
            self._draining = True
        try:
            loop.call_soon_threadsafe(self._start)
        except RuntimeError:  # the loop closed (server shutdown): nobody is left to tell
            with self._lock:
                self._draining = False
            raise

    def _start(self) -> None:
        task = asyncio.get_running_loop().create_task(self._drain())
        self._tasks.add(task)  # a task nothing refers to may be garbage collected
        task.add_done_callback(self._tasks.discard)

    async def _drain(self) -> None:
        while True:
            with self._lock:
                messages, self._messages = self._messages, []
                if not messages:
                    self._draining = False
                    return
            try:
                await publish_many(messages)
            except Exception:
                logger.exception("publishing %d pushes failed", len(messages))


_outboxes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outbox]" = (
    weakref.WeakKeyDictionary()
)
_outboxes_lock = threading.Lock()


def _outbox(loop: asyncio.AbstractEventLoop) -> _Outbox:
    with _outboxes_lock:
        found = _outboxes.get(loop)
        if found is None:
            found = _outboxes[loop] = _Outbox()
        return found


class _Held(threading.local):
    depth = 0
    messages: list[tuple[asyncio.AbstractEventLoop, GroupMessage]]

    def __init__(self) -> None:
        self.messages = []


_held = _Held()


def hand_over(loop: asyncio.AbstractEventLoop, group: str, message: dict[str, Any]) -> None:
    """Publish a group message from this (non-loop) thread on `loop`, after the messages
    handed over before it; at once, or when the enclosing `holding_pushes()` ends."""
    if _held.depth:
        _held.messages.append((loop, (group, message)))
    else:
        _outbox(loop).put(loop, [(group, message)])


@contextlib.contextmanager
def holding_pushes() -> Iterator[None]:
    """Keep what this thread hands over until the block ends, then hand it all over at once
    (also when the block raises: what was handed over was committed)."""
    _held.depth += 1
    try:
        yield
    finally:
        _held.depth -= 1
        if not _held.depth and _held.messages:
            held, _held.messages = _held.messages, []
            by_loop: dict[asyncio.AbstractEventLoop, list[GroupMessage]] = {}
            for loop, message in held:
                by_loop.setdefault(loop, []).append(message)
            for loop, messages in by_loop.items():
                _outbox(loop).put(loop, messages)
