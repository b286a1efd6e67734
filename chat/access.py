"""The one way to load a conversation for a user: by topic, through its kind's access rule.

Each topic kind that carries chat registers an access function (`dm` here; `room` in the
rooms app). The chat handler, services and REST views only call `access_conversation`, so a
new kind needs an access function and a handler subclass, and no other chat code.

Every kind first asks the contact policy whether the user may talk at all
(`safeguarding.policy.may_chat`). A `dm` membership exists only where the policy let the two
talk (`chat.services.direct_conversation_open`), so the dm rule is membership.
"""

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from accounts.models import User
from chat import batch_sql
from chat.models import Conversation
from core.errors import ServiceError
from realtime.topics import Topic
from safeguarding.access import is_moderator, moderator_may_read
from safeguarding.policy import may_chat

AccessFunction = Callable[[User, Topic], Conversation]
_ACCESS: dict[str, AccessFunction] = {}
# The same rule for many (user, topic) pairs of one kind in a few queries, where a kind has one.
ManyAccessFunction = Callable[
    [Sequence[tuple[User, Topic]]], list["Conversation | ChatAccessError"]
]
_ACCESS_MANY: dict[str, ManyAccessFunction] = {}


class ChatAccessError(ServiceError):
    """Refused access: `not_found` or `forbidden`."""


def conversation_not_found() -> ChatAccessError:
    """The one answer for a conversation the user may not see, whatever the reason: missing,
    not a member, a room they may not see or were not let into. The same code and words for
    all, so ids cannot be probed (issue 18). `forbidden` is kept for refusals that say
    something about the user only (the contact policy's)."""
    return ChatAccessError("not_found", _("No such conversation."))


def register_chat_access_many(kind: str) -> Callable[[ManyAccessFunction], ManyAccessFunction]:
    """Decorator: `fn(pairs) -> [Conversation | ChatAccessError, ...]` answers `kind`'s access
    rule for many (user, topic) pairs at once, in order; the users are active."""

    def mark(function: ManyAccessFunction) -> ManyAccessFunction:
        _ACCESS_MANY[kind] = function
        return function

    return mark


def register_chat_access(kind: str) -> Callable[[AccessFunction], AccessFunction]:
    """Decorator: `fn(user, topic) -> Conversation` decides who may use the chat of `kind`."""

    def mark(function: AccessFunction) -> AccessFunction:
        _ACCESS[kind] = function
        return function

    return mark


def access_conversation(*, user: User, topic: Topic | str) -> Conversation:
    """The conversation of `topic` if `user` may read and write it.

    Raises ChatAccessError `not_found` (`conversation_not_found`) for an unknown kind, an
    unknown conversation and one the user may not see alike, so ids cannot be probed; and
    `forbidden` when the contact policy refuses the user any chat.
    """
    parsed = Topic.parse(topic) if isinstance(topic, str) else topic
    try:
        return _access_member(user, parsed)
    except ChatAccessError as exc:
        raise _as_reader(user, parsed, exc) from None


def _access_member(user: User, topic: Topic) -> Conversation:
    function = _ACCESS.get(topic.kind)
    if function is None:
        raise conversation_not_found()
    verdict = may_chat(user)
    if not verdict.allowed:
        raise ChatAccessError("forbidden", verdict.message)
    return function(user, topic)


def _as_reader(user: User, topic: Topic, refusal: ChatAccessError) -> ChatAccessError:
    """A moderator reading a reported conversation sees it: its writes are `forbidden`, not
    `not_found`. Everyone else keeps the refusal (no query for them)."""
    if refusal.code == "not_found" and _reported_for(user, topic) is not None:
        return ChatAccessError("forbidden", _("You are reading this conversation, not in it."))
    return refusal


def access_conversations(
    pairs: Sequence[tuple[User, Topic]],
) -> list[Conversation | ChatAccessError]:
    """`access_conversation` for many (user, topic) pairs, e.g. a batch of sent messages: each
    pair's conversation or refusal, in order. Kinds with a batched rule take a few queries in
    all; the others one per pair."""
    outcomes: list[Conversation | ChatAccessError | None] = [None] * len(pairs)
    batched: dict[str, list[int]] = {}
    for index, (user, topic) in enumerate(pairs):
        if topic.kind in _ACCESS_MANY and may_chat(user).allowed:
            batched.setdefault(topic.kind, []).append(index)
            continue
        try:
            outcomes[index] = access_conversation(user=user, topic=topic)
        except ChatAccessError as exc:
            outcomes[index] = exc
    for kind, indexes in batched.items():
        answers = _ACCESS_MANY[kind]([pairs[index] for index in indexes])
        for index, answer in zip(indexes, answers, strict=True):
            if isinstance(answer, ChatAccessError):
                answer = _as_reader(*pairs[index], answer)
            outcomes[index] = answer
    return [outcome for outcome in outcomes if outcome is not None]


# The kind safeguarding's reports name a conversation by (chat/reports.py registers it).
CONVERSATION = "conversation"
# What access loads of a conversation; the rest is deferred.
_LOADED_FIELDS = ("id", "kind", "topic", "last_seq", "revision", "last_message_at")


def access_conversation_read(*, user: User, topic: Topic | str) -> tuple[Conversation, bool]:
    """The conversation of `topic` for reading, and whether the user is read-only: not a
    member, but a moderator and the conversation was reported (safeguarding decides). Raises
    ChatAccessError like `access_conversation` when neither."""
    parsed = Topic.parse(topic) if isinstance(topic, str) else topic
    try:
        return _access_member(user, parsed), False
    except ChatAccessError:
        conversation = _reported_for(user, parsed)
        if conversation is None:
            raise
        return conversation, True


def _reported_for(user: User, topic: Topic) -> Conversation | None:
    if not is_moderator(user):
        return None  # nobody else reads this way: refused without a query
    conversation = Conversation.objects.filter(topic=str(topic)).only(*_LOADED_FIELDS).first()
    if conversation is None:
        return None
    if not moderator_may_read(user=user, target_kind=CONVERSATION, target_id=conversation.pk):
        return None
    return conversation


@register_chat_access("dm")
def _access_dm(user: User, topic: Topic) -> Conversation:
    key = _dm_key(user, topic)
    if key is None:
        raise conversation_not_found()
    conversation = (
        Conversation.objects.filter(pk=key[1], kind="dm", memberships__user=user)
        .only(*_LOADED_FIELDS)
        .first()
    )
    if conversation is None:
        raise conversation_not_found()
    return conversation


@register_chat_access_many("dm")
def _access_dm_many(pairs: Sequence[tuple[User, Topic]]) -> list[Conversation | ChatAccessError]:
    """`_access_dm` for many pairs in one query (in SQL: chat.batch_sql)."""
    keys = [_dm_key(user, topic) for user, topic in pairs]
    wanted = {key for key in keys if key is not None}
    conversations, members = batch_sql.conversations_with_members(
        "dm",
        {conversation_id for _, conversation_id in wanted},
        {user_id for user_id, _ in wanted},
    )
    allowed = wanted & members
    return [
        conversations[key[1]] if key is not None and key in allowed else conversation_not_found()
        for key in keys
    ]


def _dm_key(user: User, topic: Topic) -> tuple[int, int] | None:
    if not topic.id.isdigit() or len(topic.id) > 18:
        return None
    return (user.pk, int(topic.id))
