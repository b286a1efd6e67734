from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import RedocDocsView, SwaggerDocsView
from config.health import healthz
from config.metrics import metrics
from gallery.photo_views import photo_file

# JSON, not an HTML page, for a path under /api/ that no endpoint matches (with DEBUG off);
# elsewhere the site's own page (templates/404.html).
handler404 = "core.views.not_found"
handler500 = "core.middleware.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),  # operators only: config/metrics.py
    # Uploaded profile photos (MEDIA_URL), served by Django with DEBUG on or off.
    path("media/photos/<str:name>", photo_file, name="media-photo"),
    path("api/", include("accounts.urls")),
    path("api/", include("gallery.api_urls")),
    path("api/", include("realtime.urls")),
    path("api/", include("rooms.api_urls")),
    path("", include("scheduling.urls")),
    path("", include("chat.urls")),
    path("", include("safeguarding.urls")),
    path("rooms/", include("rooms.urls")),
    path("", include("events.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocDocsView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gallery.urls")),
    path("", include("frontend.urls")),
]
