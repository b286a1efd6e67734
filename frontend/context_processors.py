"""Template context every page of the shell needs: the navigation for the signed-in role."""

from typing import Any

from django.http import HttpRequest

from frontend.navigation import Link, links_for_role


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav_links: list[Link] = []
    if user is not None and user.is_authenticated:
        nav_links = [
            link for link in links_for_role(user.role) if link.url is not None and link.in_header
        ]
    return {"nav_links": nav_links}
