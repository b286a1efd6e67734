"""Template context every page of the shell needs: the navigation for the signed-in role."""

from typing import Any

from django.http import HttpRequest

from accounts.notifications.service import unread_count
from frontend.navigation import Link, links_for_role


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav_links: list[Link] = []
    unread = 0
    if user is not None and user.is_authenticated:
        unread = unread_count(user_id=user.pk)  # the header bell: one indexed count
        nav_links = [
            link for link in links_for_role(user.role) if link.url is not None and link.in_header
        ]
    return {"nav_links": nav_links, "notifications_unread": unread}
