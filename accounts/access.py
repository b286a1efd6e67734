"""Who is calling, and may they act in a role: the checks every app's edges and services share."""

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import Role, User
from core.errors import ServiceError


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in caller of a page or an API view that requires authentication.

    Raises ServiceError(`unauthorized`) for an anonymous caller, which the edges answer as 401
    (REST) or a sign-in redirect's absence made impossible (`login_required` pages)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise ServiceError("unauthorized", "Sign in first.")
    return user


def require_professional(user: User) -> None:
    """Raises ServiceError(`forbidden`) unless `user` is a professional."""
    if user.role != Role.PROFESSIONAL:
        raise ServiceError("forbidden", "Only professionals can do this.")
