"""Run a coroutine now, and make a task of it only if it has to wait.

Fan-out sends one push to hundreds of connections; nearly every send completes without
waiting, and a task per send would cost more than the send. Python 3.12's eager task factory
does this; 3.11, which we run, lacks it.
"""

import asyncio
from collections.abc import Coroutine, Generator
from typing import Any


class _Resume:
    """Awaitable that drives a coroutine on from the point where it first suspended."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], suspended_on: Any) -> None:
        self._coroutine = coroutine
        self._suspended_on = suspended_on

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, to_yield = self._coroutine, self._suspended_on
        while True:
            try:
                received = yield to_yield
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as exc:  # cancellation and the like go to the coroutine
                try:
                    to_yield = coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    to_yield = coroutine.send(received)
                except StopIteration:
                    return


async def _finish(coroutine: Coroutine[Any, Any, None], suspended_on: Any) -> None:
    await _Resume(coroutine, suspended_on)


def run_eagerly(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run `coroutine` until it returns or first waits. Returns None when it finished, else the
    task that finishes it. An exception raised before the first wait propagates here."""
    try:
        suspended_on = coroutine.send(None)
    except StopIteration:
        return None
    return asyncio.ensure_future(_finish(coroutine, suspended_on))
