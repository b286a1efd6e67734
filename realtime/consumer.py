"""The one WebSocket consumer of the gateway: adapts ASGI events to `Connection`."""

import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from realtime.connection import Connection
from realtime.errors import CloseCode

logger = logging.getLogger(__name__)


# channels ships no type hints, so its base class is Any to mypy.
class GatewayConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """Serves `/ws/`. The middlewares in realtime/routing.py have checked origin and auth."""

    connection: Connection | None = None

    async def connect(self) -> None:
        await self.accept()
        self.connection = Connection(
            user=self.scope["user"],
            channel_name=self.channel_name,
            channel_layer=self.channel_layer,
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

    async def gateway_push(self, message: dict[str, Any]) -> None:
        if self.connection is not None:
            await self.connection.relay(message)

    async def gateway_evict(self, message: dict[str, Any]) -> None:
        if self.connection is not None:
            await self.connection.evict(message)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' dispatch runs close_old_connections in a thread for every message, pushes
        # included; handlers reach the database only through database_sync_to_async, which
        # already does it, so the fan-out path skips that thread hop.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def _close(self, code: int) -> None:
        await self.close(code=int(code))
