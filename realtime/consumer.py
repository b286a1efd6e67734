"""The one WebSocket consumer of the gateway: adapts ASGI events to `Connection`."""

import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from realtime.auth import AUTH_SCOPE_KEY
from realtime.connection import Connection
from realtime.errors import CloseCode
from realtime.hub import local_hub

logger = logging.getLogger(__name__)


# channels ships no type hints, so its base class is Any to mypy.
class GatewayConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """Serves `/ws/`. The middlewares in realtime/routing.py have checked origin and auth."""

    connection: Connection | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Channels would give this consumer a layer channel of its own and a task waiting on
        # it; the process's hub (realtime/hub.py) receives pushes for every connection
        # instead, so a connection needs neither: only the client's events are awaited here.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            if self.connection is not None:
                self.connection.abandon()

    async def connect(self) -> None:
        hub = local_hub()
        if hub is None:
            raise RuntimeError("the gateway needs a channel layer (CHANNEL_LAYERS)")
        await self.accept()
        self.connection = Connection(
            user=self.scope["user"],
            auth=self.scope.get(AUTH_SCOPE_KEY),
            hub=hub,
            send_text=self._send_text,
            close=self._close,
        )
        try:
            await self.connection.open()
        except Exception:
            logger.exception("gateway: opening a connection failed")
            await self.connection.close(CloseCode.INTERNAL_ERROR)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.connection is not None:
            await self.connection.receive(text=text_data, data=bytes_data)

    async def disconnect(self, code: int) -> None:
        if self.connection is not None:
            await self.connection.shutdown()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' dispatch runs close_old_connections in a thread for every event; handlers
        # reach the database only through database_sync_to_async, which already does it.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _send_text(self, text: str) -> None:
        # Straight to the server: this runs once per push per socket.
        await self.base_send({"type": "websocket.send", "text": text})

    async def _close(self, code: int) -> None:
        await self.close(code=int(code))
