"""`/metrics`: the Prometheus metrics of core/metrics.py, for operators only.

Disabled (404) while `METRICS_TOKEN` is empty, the default. Otherwise answered to a request
with `Authorization: Bearer <METRICS_TOKEN>` (a scraper) or from a staff session; anyone else
gets the same 404, so the path does not say it exists.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core import metrics as core_metrics


def _operator(request: HttpRequest) -> bool:
    token: str = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


# Access first, then the method, and no CSRF refusal: a stranger's POST gets the 404 too. The
# view only reads.
@csrf_exempt
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _operator(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body, content_type = core_metrics.exposition()
    return HttpResponse(body, content_type=content_type)
