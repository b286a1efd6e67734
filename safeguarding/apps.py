from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safeguarding"

    def ready(self) -> None:
        from safeguarding import access  # noqa: F401  (lets moderators read reported chats)
