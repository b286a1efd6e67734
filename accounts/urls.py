from django.urls import path

from accounts import api
from accounts.notifications import api as notification_api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/login/", api.SessionLoginView.as_view(), name="auth-login"),
    path("auth/logout/", api.SessionLogoutView.as_view(), name="auth-logout"),
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path("me/", api.MeView.as_view(), name="me"),
    path("me/export/", api.MeExportView.as_view(), name="me-export"),
    path("me/password/", api.MePasswordView.as_view(), name="me-password"),
    path("notifications/", notification_api.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/read/",
        notification_api.NotificationReadView.as_view(),
        name="notifications-read",
    ),
    path(
        "notifications/push/",
        notification_api.PushSubscriptionView.as_view(),
        name="notifications-push",
    ),
]
