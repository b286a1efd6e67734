"""One error shape for the whole REST API: {"error": {"code", "message", "fields"}}.

The codes are those of the WebSocket protocol, so a client handles both the same way. A
`ServiceError` that a view lets through is answered here: views need not catch them.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from core.errors import ServiceError
from core.metrics import count_error

logger = logging.getLogger(__name__)

# A service the request needs is down or full (Redis, the database refusing connections or
# the pool out of them, the Celery broker): a 503 the client may retry, not a 500.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OperationalError,
    BrokerOperationalError,
)
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_MESSAGE = "The service is briefly unavailable. Try again shortly."


def is_unavailable(exc: BaseException) -> bool:
    """The one rule, for the API (here) and the pages (core.middleware)."""
    return isinstance(exc, UNAVAILABLE_ERRORS)


_CODE_BY_STATUS = {
    status.HTTP_400_BAD_REQUEST: "bad_request",
    status.HTTP_401_UNAUTHORIZED: "unauthorized",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "rate_limited",
    status.HTTP_503_SERVICE_UNAVAILABLE: "unavailable",
}


class Conflict(exceptions.APIException):
    """The request is valid but clashes with the current state (a full slot, a duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the current state."
    default_code = "conflict"


def as_api_exception(exc: ServiceError) -> exceptions.APIException:
    """The REST form of a service's refusal, with the HTTP status of the same meaning."""
    if exc.code in ("bad_request", "too_large"):
        return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    if exc.code == "conflict":
        return Conflict(exc.message)
    if exc.code == "not_found":
        return exceptions.NotFound(exc.message)
    if exc.code == "rate_limited":
        return exceptions.Throttled(detail=exc.message)
    if exc.code == "unauthorized":
        return exceptions.NotAuthenticated(exc.message)
    if exc.code == "internal":
        return exceptions.APIException(exc.message)
    return exceptions.PermissionDenied(exc.message)


def _flatten(detail: Any) -> Any:
    """Turn DRF's ErrorDetail trees into plain lists of strings."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that answers every error in the shape api.md fixes."""
    if is_unavailable(exc):
        logger.warning("unavailable: %s: %s", type(exc).__name__, exc, exc_info=exc)
        count_error("api", "unavailable")
        set_rollback()
        return Response(
            {"error": {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ServiceError):
        exc = as_api_exception(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling (and logging) takes over
    code = _CODE_BY_STATUS.get(response.status_code, "error")
    count_error("api", code)
    error: dict[str, Any] = {"code": code}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, dict):
            non_field = fields.pop("non_field_errors", None)
            error["message"] = " ".join(non_field) if non_field else "Some fields are invalid."
            error["fields"] = fields
        else:
            error["message"] = " ".join(fields) if isinstance(fields, list) else str(fields)
            error["fields"] = {}
    else:
        detail = getattr(exc, "detail", None)
        error["message"] = str(detail) if detail is not None else response.status_text
    wait = getattr(exc, "wait", None) if isinstance(exc, exceptions.Throttled) else None
    if wait is not None:
        error["retry_after"] = int(wait)
    response.data = {"error": error}
    return response
