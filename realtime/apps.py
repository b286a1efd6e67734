from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from realtime import (
            checks,  # noqa: F401  (registers the settings checks)
            notifications,  # noqa: F401  (registers the live notification channel)
            sessions,
            users,  # noqa: F401  (registers the user topic)
        )

        # Deactivation, logout and a password change close the user's sockets.
        sessions.connect_signals()
