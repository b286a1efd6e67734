from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Plug-ins, registered at start-up in every process (web, gateway, worker):
        from accounts.privacy import register_erasure_step, register_export_section
        from scheduling import (
            meeting_rooms,  # noqa: F401  (a confirmed booking admits its student to the room)
            tasks,  # noqa: F401  (a booking change queues its e-mails and reminders)
        )
        from scheduling.privacy import bookings_export, scheduling_erase, slots_export

        # A person's bookings and slots in their export; deletion cancels what is to come.
        register_export_section("bookings", bookings_export)
        register_export_section("slots", slots_export)
        register_erasure_step("scheduling", scheduling_erase)
