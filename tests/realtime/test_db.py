"""The gateway's database hop: no health-check query per frame, and a broken connection costs
one frame, not the process."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection, connections

from realtime.db import database_sync_to_async

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


def _checked_on_arrival() -> bool:
    """Whether the database thread's connection counts as checked when a call begins; runs
    a query, as a frame would."""
    checked = bool(connection.connection is not None and connection.health_check_done)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return checked


async def test_a_working_connection_is_checked_once_not_per_call() -> None:
    settings = connection.settings_dict
    if not settings["CONN_HEALTH_CHECKS"] or settings["CONN_MAX_AGE"] == 0:
        pytest.skip("health checks apply to persistent connections with CONN_HEALTH_CHECKS")
    await database_sync_to_async(_checked_on_arrival)()
    assert await database_sync_to_async(_checked_on_arrival)()
    assert await database_sync_to_async(_checked_on_arrival)()


def _backend_pid() -> int:
    connection.ensure_connection()
    pid: int = connection.connection.info.backend_pid
    return pid


def _terminate(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _count_users() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM profiles_user")
        return cursor.fetchone()


async def test_a_connection_the_server_dropped_costs_one_call_at_most_then_is_replaced() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that can drop a connection (PostgreSQL)")
    pool = connection.settings_dict["OPTIONS"].get("pool")
    pid = await database_sync_to_async(_backend_pid)()
    await sync_to_async(_terminate, thread_sensitive=False)(pid)
    if not pool:
        # One connection per thread: the next call is the one that finds it dropped.
        with pytest.raises(DatabaseError):
            await database_sync_to_async(_count_users)()
    # With a pool, the dropped connection fails the one call that draws it, and the pool
    # discards it: never a second failure, however many calls follow.
    failures = 0
    for _ in range(2 * (pool["max_size"] if pool else 1) + 2):
        try:
            assert await database_sync_to_async(_count_users)() == (0,)
        except DatabaseError:
            failures += 1
    assert failures <= (1 if pool else 0)
    assert await database_sync_to_async(_backend_pid)() != pid
