"""A user as other users see them on the wire: every app's payloads name people this way."""

from typing import Any

from accounts.models import User
from accounts.privacy import deleted_user_name, user_is_deleted


def author_payload(user: User) -> dict[str, Any]:
    """`{"id", "name", "role"}`: the display name, or the username when there is none; a
    deleted account is "Deleted user" in the active language."""
    if user_is_deleted(user):
        return {"id": user.pk, "name": deleted_user_name(), "role": user.role}
    return {"id": user.pk, "name": user.display_name or user.username, "role": user.role}
