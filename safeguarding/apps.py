from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safeguarding"

    def ready(self) -> None:
        from accounts.privacy import register_export_section
        from safeguarding.privacy import reports_export

        register_export_section("reports", reports_export)
