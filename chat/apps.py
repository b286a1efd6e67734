from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chat import handlers  # noqa: F401  (registers the dm: topic handler)
        from chat.reports import CONVERSATION_TARGET
        from chat.selectors import contact_request_accepted
        from safeguarding.policy import register_relationship
        from safeguarding.targets import register_report_target

        # Chat's plug-ins into safeguarding, which sits below it and cannot read its tables.
        register_report_target(CONVERSATION_TARGET)
        register_relationship("accepted contact request", contact_request_accepted)
