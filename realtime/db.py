"""Database work from the gateway's event loop: one thread hop per frame.

Channels' `database_sync_to_async` runs `close_old_connections()` before and after each call,
as Django does around each HTTP request. With `CONN_HEALTH_CHECKS` that also re-arms the
health check, so every gateway frame that touches the database (each chat batch, read mark,
join) pays an extra `SELECT 1` round trip. Here the check stays done while the connection
works: a connection is still closed when a query on it failed and it no longer answers, or
when it outlives `CONN_MAX_AGE`, so a database restart costs the frame that found the broken
connection (its client gets an error and retries; nothing acknowledged is lost) and the next
frame reconnects.

The pushes a call commits are handed to the event loop together when it returns
(realtime.outbox).
"""

from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import connections

from realtime.outbox import holding_pushes


def close_broken_or_old_connections() -> None:
    """`close_old_connections()` without re-arming the health check of working connections."""
    for connection in connections.all(initialized_only=True):
        # django-stubs do not know the flag (Django 4.1+).
        checked = connection.health_check_done  # type: ignore[attr-defined]
        connection.close_if_unusable_or_obsolete()
        if checked and connection.connection is not None:
            connection.health_check_done = True  # type: ignore[attr-defined]


class GatewayDatabaseSyncToAsync(SyncToAsync):  # type: ignore[type-arg]
    """`database_sync_to_async` for the gateway (see the module's docstring)."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        close_broken_or_old_connections()
        try:
            # What the call commits is pushed when it returns, in one hand-over to the loop.
            with holding_pushes():
                return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]
        finally:
            close_broken_or_old_connections()


def database_sync_to_async(
    function: Callable[..., Any],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Used like channels' `database_sync_to_async`: a decorator or a wrapping call. Typed
    loosely, as channels' is: callers annotate what they get."""
    return GatewayDatabaseSyncToAsync(function)
