"""The one way to load a conversation for a user: by topic, through its kind's access rule.

Each topic kind that carries chat registers an access function (`dm` here; `room` in the
rooms app). The chat handler, services and REST views only call `access_conversation`, so a
new kind needs an access function and a handler subclass, and no other chat code.
"""

from collections.abc import Callable

from chat.models import Conversation
from profiles.models import User
from realtime.errors import ErrorCode
from realtime.topics import Topic

AccessFunction = Callable[[User, Topic], Conversation]
_ACCESS: dict[str, AccessFunction] = {}


class ChatAccessError(Exception):
    """Refused access. `code` is a protocol error code: `not_found` or `forbidden`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def register_chat_access(kind: str) -> Callable[[AccessFunction], AccessFunction]:
    """Decorator: `fn(user, topic) -> Conversation` decides who may use the chat of `kind`."""

    def mark(function: AccessFunction) -> AccessFunction:
        _ACCESS[kind] = function
        return function

    return mark


def access_conversation(*, user: User, topic: Topic | str) -> Conversation:
    """The conversation of `topic` if `user` may read and write it.

    Raises ChatAccessError(`not_found`) for an unknown kind or conversation and
    (`forbidden`) for one the user is not a member of. Unknown and foreign conversations get
    the same answer for direct chats, so ids cannot be probed.
    """
    parsed = Topic.parse(topic) if isinstance(topic, str) else topic
    function = _ACCESS.get(parsed.kind)
    if function is None:
        raise ChatAccessError("not_found", "No chat on this topic.")
    if not user.is_active:
        raise ChatAccessError("forbidden", "Your account may not chat.")
    return function(user, parsed)


ReaderFunction = Callable[[User, Topic], Conversation | None]
_READERS: list[ReaderFunction] = []


def register_chat_reader(function: ReaderFunction) -> ReaderFunction:
    """Decorator: `fn(user, topic) -> Conversation | None` lets non-members read a chat (e.g.
    moderators after a report, registered by the safeguarding app). None: not this reader."""
    _READERS.append(function)
    return function


def access_conversation_read(*, user: User, topic: Topic | str) -> tuple[Conversation, bool]:
    """The conversation of `topic` for reading, and whether the user is read-only (not a
    member, admitted by a registered reader). Raises ChatAccessError like
    `access_conversation` when neither a member nor a reader."""
    try:
        return access_conversation(user=user, topic=topic), False
    except ChatAccessError:
        parsed = Topic.parse(topic) if isinstance(topic, str) else topic
        if user.is_active:
            for reader in _READERS:
                conversation = reader(user, parsed)
                if conversation is not None:
                    return conversation, True
        raise


@register_chat_access("dm")
def _access_dm(user: User, topic: Topic) -> Conversation:
    not_yours = ChatAccessError("forbidden", "You are not a member of this conversation.")
    if not topic.id.isdigit() or len(topic.id) > 18:
        raise not_yours
    conversation = (
        Conversation.objects.filter(pk=int(topic.id), kind="dm", memberships__user=user)
        .only("id", "kind", "topic", "last_seq", "revision", "last_message_at")
        .first()
    )
    if conversation is None:
        raise not_yours
    return conversation
