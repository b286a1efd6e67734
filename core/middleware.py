"""Pages answer a service's refusal the way the REST API does, by its code."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest

from core.errors import ServiceError


class ServiceErrorMiddleware:
    """A `ServiceError` that a page view lets through becomes the page of its meaning: 404 for
    `not_found`, a sign-in for `unauthorized`, 400 for bad input, 403 for the rest. (DRF views
    answer their own through `core.api_errors`; they never reach this.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ServiceError):
            return None
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        if exc.code == "unauthorized":
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if exc.code in ("bad_request", "too_large"):
            return HttpResponseBadRequest(exc.message)
        raise PermissionDenied(exc.message) from exc
