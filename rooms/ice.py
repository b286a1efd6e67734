"""ICE servers for a room's peers: STUN from settings, TURN with coturn REST credentials.

coturn's `use-auth-secret` mode accepts a username `"<expiry unix time>:<anything>"` with the
password base64(HMAC-SHA1(static-auth-secret, username)) until the expiry, so the secret never
leaves the server and a leaked credential dies by itself.
"""

import base64
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings


def turn_credential(*, secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers(*, user_id: int, now: float | None = None) -> list[dict[str, Any]]:
    """The `ice_servers` of a join reply, RTCIceServer-shaped. TURN only when TURN_SECRET
    and TURN_URLS are set; its credential is valid TURN_TTL_SECONDS from `now`."""
    servers: list[dict[str, Any]] = []
    stun = [url for url in settings.ROOMS_STUN_URLS if url]
    if stun:
        servers.append({"urls": stun})
    turn = [url for url in settings.TURN_URLS if url]
    secret: str = settings.TURN_SECRET
    if turn and secret:
        expiry = int(time.time() if now is None else now) + int(settings.TURN_TTL_SECONDS)
        username = f"{expiry}:{user_id}"
        servers.append(
            {
                "urls": turn,
                "username": username,
                "credential": turn_credential(secret=secret, username=username),
            }
        )
    return servers
