from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The user base: the user model, roles, verification state, sign-up and sign-in.

    The label stays `profiles`, the app's name before the gallery moved out: tables, the
    migration history, content types, permissions and `AUTH_USER_MODEL` of every existing
    database name the user model by its label, and Django cannot move a user model safely.
    """

    name = "accounts"
    label = "profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import tasks  # noqa: F401  (registers the e-mail and Web Push channels)
