"""The WebSocket application: origin check → session → ticket/auth check → the gateway."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from realtime.auth import OriginGuard, TicketAuthMiddleware
from realtime.consumer import GatewayConsumer

websocket_application = OriginGuard(
    AuthMiddlewareStack(
        TicketAuthMiddleware(URLRouter([path("ws/", GatewayConsumer.as_asgi())])),
    )
)
