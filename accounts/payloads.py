"""A user as other users see them on the wire: every app's payloads name people this way."""

from typing import Any

from accounts.models import User


def author_payload(user: User) -> dict[str, Any]:
    """`{"id", "name", "role"}`: the display name, or the username when there is none."""
    return {"id": user.pk, "name": user.display_name or user.username, "role": user.role}
