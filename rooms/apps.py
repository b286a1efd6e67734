from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.privacy import register_erasure_step, register_export_section
        from rooms import handlers  # noqa: F401  (registers the room: topic handler)
        from rooms.privacy import rooms_erase, rooms_export
        from rooms.verification import rooms_end_on_withdrawal
        from safeguarding.verification import register_withdrawal_step

        register_export_section("rooms", rooms_export)
        register_erasure_step("rooms", rooms_erase)

        from accounts.notifications.sweeps import register_notification_sweep
        from rooms.notifications import rooms_starting_soon_notify

        register_notification_sweep(rooms_starting_soon_notify)
        register_withdrawal_step("rooms", rooms_end_on_withdrawal)
