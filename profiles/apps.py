from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the app's topic handler with the gateway.
        from profiles import handlers  # noqa: F401
