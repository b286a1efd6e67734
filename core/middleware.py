"""Pages answer a service's refusal the way the REST API does, by its code."""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from core.api_errors import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, is_unavailable
from core.errors import ServiceError

logger = logging.getLogger(__name__)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error shape under /api/, a plain page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        error = {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}
        response = JsonResponse({"error": error}, status=503)
    else:
        # No template: the page must not need anything that may be what is down.
        title = escape(_("Briefly unavailable"))
        text = escape(_("Backstage cannot answer right now. Please try again in a moment."))
        html = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p></body></html>"
        )
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: an unavailable service raised outside a view (a middleware reading the
    session, say) is a 503 too. Django calls it while handling the exception."""
    exc = sys.exc_info()[1]
    if exc is not None and is_unavailable(exc):
        return unavailable_response(request)
    return defaults.server_error(request)


class ServiceErrorMiddleware:
    """A `ServiceError` that a page view lets through becomes the page of its meaning: 404 for
    `not_found`, a sign-in for `unauthorized`, 400 for bad input, 403 for the rest; an
    unavailable service (Redis, the database) a 503. (DRF views answer their own through
    `core.api_errors`; they never reach this.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_unavailable(exc):
            logger.warning("unavailable: %s: %s", type(exc).__name__, exc, exc_info=exc)
            return unavailable_response(request)
        if not isinstance(exc, ServiceError):
            return None
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        if exc.code == "unauthorized":
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if exc.code in ("bad_request", "too_large"):
            return HttpResponseBadRequest(exc.message)
        raise PermissionDenied(exc.message) from exc
