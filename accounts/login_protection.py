"""Password guessing: django-axes, by username and address together (config/settings.py).

Every login path (the form, the API token, the API session login) calls
`authenticate(request=...)`, so axes counts them together. A view that gets no user asks
`login_locked_out()` whether axes refused or locked the attempt, and answers with
`lockout_message()` itself; `lockout_response()` answers for other callers of `authenticate()`
(the admin login).
"""

import math
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache
from django.conf import settings
from django.core.cache import BaseCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class LoginAttemptCacheHandler(AxesCacheHandler):  # type: ignore[misc]
    """axes' cache handler, reading the cache configuration on each use: axes' own keeps the
    cache it found at start-up, which outlives a settings change (a test's own cache)."""

    def __init__(self) -> None:  # axes' sets self.cache, a property here
        pass

    @property
    def cache(self) -> BaseCache:
        cache: BaseCache = get_cache()
        return cache


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username the attempt counts against, case-folded: usernames are unique without
    regard to case, so changing the case must not buy new attempts."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or request.POST
        username = data.get("username")
    if not isinstance(username, str):
        return None
    return username.strip().casefold() or None


def lockout_seconds() -> int:
    seconds: int = settings.LOGIN_LOCKOUT_SECONDS
    return seconds


def lockout_message() -> str:
    return _("Too many failed login attempts. Try again in %(minutes)s min.") % {
        "minutes": math.ceil(lockout_seconds() / 60)
    }


def login_locked_out(request: HttpRequest) -> bool:
    """Whether axes refused this request's attempt, or locked it out with it. The caller answers
    the lockout, so the flag is cleared: axes' middleware would replace the answer."""
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked:
        request.axes_locked_out = False  # type: ignore[attr-defined]
    return locked


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`: the lockout in the project's error shape, with Retry-After."""
    message = lockout_message()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "rate_limited",
                    "message": message,
                    "retry_after": lockout_seconds(),
                }
            },
            status=429,
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(lockout_seconds())
    return response
