"""ASGI entry point: HTTP goes to Django, WebSocket to the realtime gateway.

Served by uvicorn in production (the Procfile) and by daphne for `make run` and the live tests.
"""

import gc
import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from realtime import daphne_compat  # noqa: E402
from realtime.routing import websocket_application  # noqa: E402

# Daphne's start-up imports this module before it opens a socket: the one place to patch its
# Twisted server. Only there: uvicorn and the tests import this module too, and stay unpatched.
if daphne_compat.daphne_serves():
    daphne_compat.install()


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """uvicorn speaks the lifespan protocol (daphne does not): nothing to start or stop, but
    answering it keeps uvicorn from logging the app as unsupported."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": websocket_application, "lifespan": lifespan}
)

# The cyclic garbage collector stops the event loop, so every socket of the process, while it
# runs. With Python's default thresholds a process serving 500 sockets made a full collection
# every few seconds under chat load, each stalling 100-200 ms (bench/chat_fanout.py p99).
# Everything loaded so far lives as long as the process: frozen, no collection walks it again.
# Higher thresholds make collections rare; most objects die by reference counting anyway, so
# they only delay freeing the rare cycles (a closed connection's objects), by a few MB at most.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 50, 100)
