from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.privacy import register_erasure_step, register_export_section
        from chat import handlers  # noqa: F401  (registers the dm: topic handler)
        from chat.privacy import chat_erase, contact_requests_export, messages_export
        from chat.reports import CONVERSATION_TARGET
        from chat.selectors import contact_request_accepted
        from safeguarding.policy import register_relationship
        from safeguarding.targets import register_report_target

        # Chat's plug-ins into safeguarding, which sits below it and cannot read its tables.
        register_report_target(CONVERSATION_TARGET)
        register_relationship("accepted contact request", contact_request_accepted)
        # And into accounts: a person's messages in their export; deletion (accounts.privacy).
        register_export_section("messages", messages_export)
        register_export_section("contact_requests", contact_requests_export)
        register_erasure_step("chat", chat_erase)
