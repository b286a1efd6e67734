from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Plug-ins, registered at start-up in every process (web, gateway, worker):
        from scheduling import (
            meeting_rooms,  # noqa: F401  (a confirmed booking admits its student to the room)
            tasks,  # noqa: F401  (a booking change queues its e-mails and reminders)
        )
