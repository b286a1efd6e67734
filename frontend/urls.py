from django.urls import path
from django.views.generic import RedirectView

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("register/", views.register, name="register"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    # The settings area: privacy first; account settings join it later.
    path(
        "settings/", RedirectView.as_view(pattern_name="frontend:settings_privacy"), name="settings"
    ),
    path("settings/privacy/", views.settings_privacy, name="settings_privacy"),
]
