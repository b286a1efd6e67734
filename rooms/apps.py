from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.privacy import register_erasure_step, register_export_section
        from rooms import handlers  # noqa: F401  (registers the room: topic handler)
        from rooms.privacy import rooms_erase, rooms_export

        register_export_section("rooms", rooms_export)
        register_erasure_step("rooms", rooms_erase)
