"""System checks of the gateway settings (run by `manage.py check` and at server start)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

_POSITIVE = (
    "WS_TICKET_TTL_SECONDS",
    "WS_PING_INTERVAL_SECONDS",
    "WS_IDLE_TIMEOUT_SECONDS",
    "WS_MAX_FRAME_BYTES",
    "WS_RATE_LIMIT_PER_SECOND",
    "WS_RATE_LIMIT_BURST",
    "WS_RATE_LIMIT_STRIKES",
    "WS_MAX_TOPICS",
    "WS_SESSION_RECHECK_SECONDS",
)


@register()
def check_gateway_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = [
        Error(f"{name} must be a positive number.", id="realtime.E001")
        for name in _POSITIVE
        if not getattr(settings, name, 0) > 0
    ]
    if not errors and settings.WS_IDLE_TIMEOUT_SECONDS <= settings.WS_PING_INTERVAL_SECONDS:
        # A client only has to answer pings; it must get one before it counts as idle.
        errors.append(
            Error(
                "WS_IDLE_TIMEOUT_SECONDS must be longer than WS_PING_INTERVAL_SECONDS.",
                id="realtime.E002",
            )
        )
    return errors
