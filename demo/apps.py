from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of api.md (`manage.py seed_demo`). It sits at the top of the layers: it
    seeds every app, so it may import every app, and no app imports it."""

    name = "demo"
