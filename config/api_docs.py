"""The API's documentation pages, served from this site (drf-spectacular-sidecar): the CSP
allows no CDN and no inline script."""

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a second request to this view (`?script=`)."""

    template_name = "api/swagger_ui.html"


class RedocDocsView(SpectacularRedocView):
    template_name = "api/redoc.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        # ReDoc styles itself with <style> elements it writes at run time (styled-components)
        # and offers no nonce hook, and runs its search in a worker made from a blob of its
        # own bundle: this page alone allows those, never inline scripts. (django-csp's
        # csp_update decorator sets this same attribute.)
        policy = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}
        setattr(response, "_csp_update", policy)  # noqa: B010
        return response
