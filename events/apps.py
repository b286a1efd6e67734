from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Speed-meeting events")

    def ready(self) -> None:
        # Plug-ins into the lower apps: the `event:` topic, room admission, the export section,
        # the reminder sweep and the Celery tasks (docs/architecture.md).
        from events import handlers, plugins, rooms_seam, tasks  # noqa: F401
