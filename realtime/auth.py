"""Who may open a gateway socket: the Origin check (4403) and ticket or session auth (4401).

A refusal accepts the handshake and closes at once with the code, since a browser sees no
close code for a handshake that was turned down.
"""

import logging
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host

from accounts.models import User
from realtime.db import database_sync_to_async
from realtime.errors import CloseCode
from realtime.sessions import SocketAuth
from realtime.tickets import ticket_claim

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
# The scope key of what the socket was opened with besides its user (realtime.sessions).
AUTH_SCOPE_KEY = "gateway_auth"
Receive = Any
Send = Any
Application = Any


async def refuse(receive: Receive, send: Send, code: int) -> None:
    """Accept the handshake, close with `code`, and wait for the socket to go away."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": int(code)})
    while message["type"] != "websocket.disconnect":
        message = await receive()


def _allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]  # what Django's own host check allows
    if not settings.DEBUG:
        hosts = [host for host in hosts if host != "*"]
    return hosts


def origin_allowed(origin: str) -> bool:
    """Whether a browser's Origin header names one of settings.ALLOWED_HOSTS.

    Same rules as Django's Host check (`.example.com` covers subdomains); `*` counts only
    under DEBUG. The scheme and port are not compared. "null" and junk are refused.
    """
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return False
    domain, _port = split_domain_port(parts.netloc)
    return bool(domain) and validate_host(domain, _allowed_hosts())


class OriginGuard:
    """Refuse (4403) a socket whose Origin header is not allowed. Clients that send no Origin
    (anything but a browser) pass: they authenticate with a ticket, not an ambient cookie."""

    def __init__(self, application: Application) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        decoded = [value.decode("latin-1") for value in origins]
        if not all(origin_allowed(origin) for origin in decoded):
            logger.warning("websocket refused: origin %r not allowed", decoded)
            await refuse(receive, send, CloseCode.FORBIDDEN_ORIGIN)
            return
        await self.application(scope, receive, send)


def _session_user(session_key: str) -> User | None:
    """The signed-in user of a session cookie, checked as Django checks it for a request
    (session hash, SECRET_KEY_FALLBACKS); None for an anonymous or stale session."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    request = HttpRequest()
    request.session = store
    user = auth.get_user(request)
    return user if isinstance(user, User) else None


class GatewayAuthMiddleware:
    """Authenticate with `?ticket=` when present (it wins over the session cookie), else with
    the session cookie; refuse (4401) anyone who is not an active, signed-in user. Puts the
    `User` in `scope["user"]`, and the session or token it depends on (a `SocketAuth`) in
    `scope["gateway_auth"]`.

    Not channels' AuthMiddlewareStack: its session middleware wraps `send` to save the session
    and set its cookie, which a socket never does, yet the check ran on every frame sent (a
    sixth of the event loop's time at 20,000 pushes a second); and it read the session even
    when a ticket decided.
    """

    def __init__(self, application: Application) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user, socket_auth = await self._user(scope)
        if user is None or not user.is_active:
            await refuse(receive, send, CloseCode.UNAUTHORIZED)
            return
        await self.application({**scope, "user": user, AUTH_SCOPE_KEY: socket_auth}, receive, send)

    async def _user(self, scope: Scope) -> tuple[User | None, SocketAuth]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if "ticket" in query:
            tickets = query["ticket"]
            if len(tickets) != 1:
                return None, SocketAuth()
            claimed = await database_sync_to_async(ticket_claim)(ticket=tickets[0])
            if claimed is None:
                return None, SocketAuth()
            return claimed.user, SocketAuth(
                session_key=claimed.session_key, token_key=claimed.token_key
            )
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies = parse_cookie(value.decode("latin-1"))
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None, SocketAuth()
        session_user: User | None = await database_sync_to_async(_session_user)(session_key)
        return session_user, SocketAuth(session_key=session_key)
