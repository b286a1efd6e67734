"""Django's answer to a URL that no view matches: under /api/, the error shape of every API
answer (api.md), not an HTML page; elsewhere, the site's page (templates/404.html)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: a path under /api/ that matches no endpoint (`/api/rooms/abc/`) is a
    `not_found` error like any other, so API clients parse every error the same way."""
    if request.path.startswith("/api/"):
        message = str(exceptions.NotFound.default_detail)
        return JsonResponse({"error": {"code": "not_found", "message": message}}, status=404)
    return page_not_found(request, exception)
