"""GET /healthz: liveness and readiness (database and channel layer reachable)."""

import asyncio
import logging
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core.api_errors import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        logger.exception("healthz: database unreachable")
        return False


async def _channel_layer_ok() -> bool:
    """Round-trip one message through the layer, so a dead Redis shows as not ready."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        channel = await layer.new_channel(prefix="healthz")
        token = uuid.uuid4().hex
        async with asyncio.timeout(2):
            await layer.send(channel, {"type": "healthz", "token": token})
            message = await layer.receive(channel)
        return bool(message.get("token") == token)
    except Exception:
        logger.exception("healthz: channel layer unreachable")
        return False


async def healthz(request: HttpRequest) -> JsonResponse:
    database = await sync_to_async(_database_ok)()
    channel_layer = await _channel_layer_ok()
    ok = database and channel_layer
    response = JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": "ok" if database else "unreachable",
            "channel_layer": "ok" if channel_layer else "unreachable",
        },
        status=200 if ok else 503,
    )
    if not ok:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
