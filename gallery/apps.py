from django.apps import AppConfig


class GalleryConfig(AppConfig):
    """Witness profiles, the taxonomy, search and discovery: the gallery students browse."""

    name = "gallery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.privacy import register_erasure_step, register_export_section
        from gallery.privacy import profile_erase, profile_export

        # The person's profile in their export, and gone when they delete their account.
        register_export_section("profile", profile_export)
        register_erasure_step("gallery", profile_erase)
