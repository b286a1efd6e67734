"""Safeguarding fixtures: the gateway test client of tests/realtime."""

from tests.realtime.conftest import (  # noqa: F401  (fixtures, re-exported for these tests)
    channel_layer,
    open_ws,
    thread_connections_closed,
)
