from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        # The pages that the links of accounts' e-mails open (accounts.services.links).
        from frontend.account_views import register_pages

        register_pages()
