from django.apps import AppConfig


class GalleryConfig(AppConfig):
    """Witness profiles, the taxonomy, search and discovery: the gallery students browse."""

    name = "gallery"
    default_auto_field = "django.db.models.BigAutoField"
