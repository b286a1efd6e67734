"""Links in account e-mails: the pages they open belong to a higher app (the frontend).

accounts sends the e-mails but must not know the pages' URLs (a lower app never names a
higher one), so the app that serves the pages registers how to build their paths at start-up
(`register_account_page`, in its AppConfig.ready()).
"""

from collections.abc import Callable
from typing import Literal

from django.conf import settings
from django.http import HttpRequest

# "email_confirm": (token,) -> path; "password_reset": (uidb64, token) -> path.
AccountPage = Literal["email_confirm", "password_reset"]

_pages: dict[str, Callable[..., str]] = {}


def register_account_page(page: AccountPage, path_for: Callable[..., str]) -> None:
    """Say how to build the path of `page` from its arguments."""
    _pages[page] = path_for


def site_base(request: HttpRequest | None = None) -> str:
    """Where the site lives, for absolute links: SITE_URL, else the request's own host."""
    base = str(getattr(settings, "SITE_URL", "") or "")
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    return base.rstrip("/")


def account_link(page: AccountPage, *args: str, site: str) -> str:
    """The absolute URL of `page` for `args`. Raises LookupError when no app serves it."""
    try:
        path_for = _pages[page]
    except KeyError as exc:
        raise LookupError(f"no page registered for {page!r}") from exc
    return site.rstrip("/") + path_for(*args)
