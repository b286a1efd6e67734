"""Who may do what in safeguarding: moderators handle reports and read what was reported."""

from accounts.models import Role, User
from core.errors import ServiceError
from safeguarding.models import Report


class SafeguardingAccessError(ServiceError):
    """Refused: `forbidden` or `not_found`."""


def is_moderator(user: User) -> bool:
    return bool(user.is_active and user.role == Role.MODERATOR)


def require_moderator(user: User) -> None:
    """Raises SafeguardingAccessError(`forbidden`) unless `user` is an active moderator."""
    if not is_moderator(user):
        raise SafeguardingAccessError("forbidden", "Only moderators can do this.")


def moderator_may_read(*, user: User, target_kind: str, target_id: int) -> bool:
    """Whether `user` is a moderator and the target was reported (the report open or closed):
    then they may read it, never write. The app that owns the target asks this (chat, when a
    moderator joins a conversation); anyone but a moderator costs no query."""
    if not is_moderator(user):
        return False
    return Report.objects.filter(target_kind=target_kind, target_id=target_id).exists()
