"""The client's address: one rule for the throttles, the login protection and the logs.

`TRUSTED_PROXY_COUNT` (default 0) says how many proxies in front of the web processes append
to `X-Forwarded-For`. With 0 the address is the socket's (`REMOTE_ADDR`) and the header is
ignored, since any client can write it; with n it is the n-th entry from the right, the one
the outermost trusted proxy saw. This is DRF's rule for `NUM_PROXIES` (settings keep the two
equal), so stock DRF throttles agree with it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

# A request without any address (a test's bare HttpRequest) still gets one key, never none:
# the login protection would otherwise count by username alone.
UNKNOWN = "unknown"


def _normalised(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest | Request) -> str:
    """The address the request comes from, by the trusted-proxy rule above."""
    meta = request.META
    remote = _normalised(str(meta.get("REMOTE_ADDR") or "")) or UNKNOWN
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    # Fewer entries than proxies: the leftmost is the best there is (DRF does the same).
    return _normalised(entries[-min(proxies, len(entries))]) or remote


class ClientAddressScopedRateThrottle(ScopedRateThrottle):
    """`ScopedRateThrottle` keyed by `client_address` for anonymous callers."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)
