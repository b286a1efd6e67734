"""Events routes: the REST API under api/events/, the pages under events/."""

from django.urls import URLPattern

from events.api_urls import urlpatterns as api_urls
from events.views.organiser import urlpatterns as organiser_urls
from events.views.participant import urlpatterns as participant_urls

app_name = "events"

urlpatterns: list[URLPattern] = [*api_urls, *participant_urls, *organiser_urls]
