"""The keep-alive of one connection: a ping on schedule, a close after silence.

A timer, not a task: it wakes up only to ping or to close, and costs far less memory per idle
connection than a task sleeping in a loop.
"""

import asyncio
import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class KeepAlive:
    __slots__ = (
        "_close_idle",
        "_idle_timeout",
        "_last_activity",
        "_next_ping",
        "_ping",
        "_ping_interval",
        "_stopped",
        "_timer",
    )

    def __init__(
        self,
        *,
        ping_interval: float,
        idle_timeout: float,
        ping: Callable[[], None],
        close_idle: Callable[[float], None],
    ) -> None:
        """`ping()` sends a ping; `close_idle(silent_seconds)` closes the connection. Both run
        on the event loop and must not block."""
        self._ping_interval = ping_interval
        self._idle_timeout = idle_timeout
        self._ping = ping
        self._close_idle = close_idle
        self._last_activity = time.monotonic()
        self._next_ping = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def start(self) -> None:
        self._next_ping = time.monotonic() + self._ping_interval
        self._arm()

    def touch(self) -> None:
        """The client sent something: the idle clock starts again."""
        self._last_activity = time.monotonic()

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self) -> None:
        wake_at = min(self._next_ping, self._last_activity + self._idle_timeout)
        delay = max(0.0, wake_at - time.monotonic())
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        """Close a connection silent past the idle timeout; ping on schedule; re-arm."""
        self._timer = None
        if self._stopped:
            return
        try:
            now = time.monotonic()
            if now >= self._last_activity + self._idle_timeout:
                self._stopped = True
                self._close_idle(now - self._last_activity)
                return
            if now >= self._next_ping:
                self._ping()
                self._next_ping = now + self._ping_interval
        except Exception:
            logger.exception("keep-alive failed")
        self._arm()
