from django.urls import path
from django.views.generic import RedirectView

from frontend import account_views, notification_views, verification_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("register/", views.register, name="register"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    # The settings area: the account first.
    path(
        "settings/", RedirectView.as_view(pattern_name="frontend:settings_account"), name="settings"
    ),
    path("settings/account/", account_views.settings_account, name="settings_account"),
    path(
        "settings/account/confirm-email/",
        account_views.email_confirmation_resend,
        name="email_confirmation_resend",
    ),
    path("email/confirm/<str:token>/", account_views.email_confirm_page, name="email_confirm"),
    path("password/forgot/", account_views.password_reset, name="password_reset"),
    path("password/forgot/sent/", account_views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.NewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("settings/privacy/", views.settings_privacy, name="settings_privacy"),
    path("verification/", verification_views.verification_queue, name="verification"),
    path(
        "verification/<int:user_id>/decide/",
        verification_views.verification_decide,
        name="verification_decide",
    ),
    path(
        "settings/notifications/",
        notification_views.settings_notifications,
        name="settings_notifications",
    ),
    path("notifications/", notification_views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    # At the root: a service worker controls only the paths under its own URL.
    path("sw.js", notification_views.service_worker, name="service_worker"),
]
