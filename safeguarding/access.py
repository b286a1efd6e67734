"""Who may read what in safeguarding: moderators read conversations that were reported."""

from accounts.models import Role, User
from chat.access import register_chat_reader
from chat.models import Conversation
from core.errors import ServiceError
from realtime.topics import Topic


class SafeguardingAccessError(ServiceError):
    """Refused: `forbidden` or `not_found`."""


def is_moderator(user: User) -> bool:
    return bool(user.is_active and user.role == Role.MODERATOR)


def require_moderator(user: User) -> None:
    """Raises SafeguardingAccessError(`forbidden`) unless `user` is an active moderator."""
    if not is_moderator(user):
        raise SafeguardingAccessError("forbidden", "Only moderators can do this.")


@register_chat_reader
def _moderator_reads_reported(user: User, topic: Topic) -> Conversation | None:
    """A moderator may read (never write) a conversation with a report, open or closed."""
    if not is_moderator(user) or not topic.id.isdigit() or len(topic.id) > 18:
        return None
    return (
        Conversation.objects.filter(topic=str(topic), reports__isnull=False)
        .only("id", "kind", "topic", "last_seq", "revision", "last_message_at")
        .first()
    )
