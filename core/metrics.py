"""Prometheus metrics of a web process (docs/operations.md, "Monitoring and logs").

Two modes, chosen by prometheus-client itself from the environment at import:
- default: each process counts for itself and its `/metrics` (config/metrics.py) reports that
  process alone, with the client's process_* metrics (memory, CPU). Scrape every process.
- `PROMETHEUS_MULTIPROC_DIR` set (needed when processes share a port, as uvicorn's
  `--workers`/`WEB_CONCURRENCY` do): every process writes to files there and any process's
  `/metrics` reports the machine's processes: counters summed, the open connections per live
  process (a `pid` label). Empty the directory before the processes start.

The gateway's per-frame counts are `Tally`s: a frame costs an integer increment, not the
client's locked update (1-3.5 us measured here, against ~11 us per delivery at the fan-out
ceiling). They reach Prometheus at each scrape of the process, and every FLUSH_SECONDS in
multiprocess mode.
"""

import atexit
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
FLUSH_SECONDS = 1.0

CONNECTIONS_OPEN = Gauge(
    "backstage_ws_connections_open",
    "WebSocket connections open in the process.",
    multiprocess_mode="liveall",
)
_FRAMES_RECEIVED = Counter("backstage_ws_frames_received", "Client frames the gateway read.")
_FRAMES_SENT = Counter("backstage_ws_frames_sent", "Frames the gateway sent (replies, pushes).")
PUSHES = Counter("backstage_pushes", "Pushes published to topics or to one connection.", ["kind"])
ERRORS = Counter(
    "backstage_errors",
    "Errors answered, by where (ws: gateway replies; api: REST; http: unhandled) and code.",
    ["source", "code"],
)
DB_QUERY_SECONDS = Histogram(
    "backstage_db_query_seconds",
    "Time of each database query (sum: the database time).",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0),
)


class Tally:
    """A counter for hot paths: `add()` is an integer increment; `flush()` hands what was added
    since the last flush to the Prometheus counter. One thread adds (the event loop's); any
    thread may flush."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.total = 0
        self._flushed = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        self.total += 1

    def flush(self) -> None:
        with self._lock:
            total = self.total
            if total > self._flushed:
                self.counter.inc(total - self._flushed)
                self._flushed = total


FRAMES_RECEIVED = Tally(_FRAMES_RECEIVED)
FRAMES_SENT = Tally(_FRAMES_SENT)
_TALLIES = (FRAMES_RECEIVED, FRAMES_SENT)


def flush() -> None:
    for tally in _TALLIES:
        tally.flush()


def count_error(source: str, code: str) -> None:
    """Count an error answered to a client: `source` "ws", "api" or "http", `code` the
    protocol's error code (docs/protocol.md)."""
    ERRORS.labels(source, code).inc()


@receiver(got_request_exception, dispatch_uid="core.metrics.count_unhandled")
def _count_unhandled(sender: Any, **kwargs: Any) -> None:
    # Django answers these with a 500; DRF's handled errors are counted as "api".
    count_error("http", "internal")


def count_push(topic: str) -> None:
    """Count a push, by topic kind (`chat`, `room`, ...: few, so a safe label)."""
    PUSHES.labels(topic.partition(":")[0]).inc()


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its content type."""
    flush()
    registry = REGISTRY
    if MULTIPROCESS_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


# --- database time ----------------------------------------------------------------------------


def time_query(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        DB_QUERY_SECONDS.observe(time.perf_counter() - start)


@receiver(connection_created, dispatch_uid="core.metrics.time_queries")
def _time_queries(sender: Any, connection: Any, **kwargs: Any) -> None:
    # Sent again when a connection object reconnects: install the wrapper once.
    if time_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(time_query)


# --- multiprocess mode ------------------------------------------------------------------------


def _flush_every(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        flush()


def _at_exit() -> None:
    flush()
    # A live gauge's file outlives its process unless it is marked dead.
    multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


if MULTIPROCESS_DIR:
    # Scrapes reach other processes, which cannot flush this one's tallies: flush here.
    threading.Thread(
        target=_flush_every,
        args=(FLUSH_SECONDS,),
        name="metrics-flush",
        daemon=True,
    ).start()
    atexit.register(_at_exit)
