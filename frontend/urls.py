from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "frontend"


def _placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Backstage")


urlpatterns = [
    path("", _placeholder, name="landing"),
    path("home/", _placeholder, name="home"),
    path("login/", _placeholder, name="login"),
]
