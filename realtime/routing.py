"""The WebSocket application: origin check → ticket or session auth → the gateway."""

from channels.routing import URLRouter
from django.urls import path

from realtime.auth import GatewayAuthMiddleware, OriginGuard
from realtime.consumer import GatewayConsumer

websocket_application = OriginGuard(
    GatewayAuthMiddleware(URLRouter([path("ws/", GatewayConsumer.as_asgi())]))
)
