"""One synchronous unit of work per chat frame: access, then one service or selector.

Handlers call these through `database_sync_to_async`, once per frame. A refusal is a
`ServiceError` (`ChatError`, `ChatAccessError`), which the gateway answers as is.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple, TypeVar

from accounts.models import User
from chat import selectors, services
from chat.access import (
    ChatAccessError,
    access_conversation,
    access_conversation_read,
    access_conversations,
)
from chat.models import Conversation
from chat.payloads import message_change_payload, message_payload
from chat.sending import SendRequest, message_send_batch
from realtime.errors import GatewayError
from realtime.topics import Topic

T = TypeVar("T")


def _conversation(user: User, topic: Topic) -> Conversation:
    return access_conversation(user=user, topic=topic)


def join(
    *, user: User, topic: Topic, last_seq: int | None, last_revision: int | None = None
) -> tuple[dict[str, Any], int]:
    limit = selectors.MEMBERS_IN_JOIN

    def run() -> tuple[dict[str, Any], int]:
        # Moderators may join a reported conversation to read it; every other frame checks
        # membership, so they cannot write.
        conversation, read_only = access_conversation_read(user=user, topic=topic)
        history = selectors.message_history(conversation=conversation, after_seq=last_seq)
        members = selectors.conversation_members(conversation=conversation, limit=limit + 1)
        data = {
            "conversation": {"id": conversation.pk, "topic": conversation.topic},
            "members": members[:limit],
            "members_more": len(members) > limit,
            "last_seq": conversation.last_seq,
            "revision": conversation.revision,
            "history": history.messages,
            "more": history.more,
            "older": history.older,
            "read_only": read_only,
        }
        if last_seq is not None and last_revision is not None:
            updates = selectors.message_updates(
                conversation=conversation,
                up_to_seq=min(last_seq, conversation.last_seq),
                after_revision=last_revision,
            )
            data["updates"] = updates.messages
            data["updates_more"] = updates.more
        return data, history.seq

    return run()


class SendItem(NamedTuple):
    user: User
    topic: Topic
    body: str
    client_id: str


def send_batch(items: Sequence[SendItem]) -> list[dict[str, Any] | Exception]:
    """`message.send` frames gathered by `chat.writer`: access for each, then one grouped
    write. Outcomes in order: the stored message's payload, or the GatewayError (or the
    unexpected exception) that refused it."""
    outcomes: list[dict[str, Any] | Exception | None] = [None] * len(items)
    pairs: dict[tuple[int, str], tuple[User, Topic]] = {}
    for item in items:
        pairs.setdefault((item.user.pk, str(item.topic)), (item.user, item.topic))
    conversations = dict(zip(pairs, access_conversations(list(pairs.values())), strict=True))
    requests: list[SendRequest] = []
    placed: list[int] = []
    for index, item in enumerate(items):
        found = conversations[(item.user.pk, str(item.topic))]
        if isinstance(found, ChatAccessError):
            outcomes[index] = GatewayError(found.code, found.message)
            continue
        requests.append(
            SendRequest(
                author=item.user, conversation=found, body=item.body, client_id=item.client_id
            )
        )
        placed.append(index)
    for index, outcome in zip(placed, message_send_batch(requests), strict=True):
        if isinstance(outcome, services.ChatError):
            outcomes[index] = GatewayError(outcome.code, outcome.message)
        elif isinstance(outcome, Exception):
            outcomes[index] = outcome
        else:
            outcomes[index] = message_payload(outcome.message, topic=str(items[index].topic))
    return [outcome for outcome in outcomes if outcome is not None]


def edit(*, user: User, topic: Topic, message_id: int, body: str) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        message = services.message_edit(
            author=user, conversation=conversation, message_id=message_id, body=body
        )
        return message_change_payload(message, topic=str(topic))

    return run()


def delete(*, user: User, topic: Topic, message_id: int) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        message = services.message_delete(
            author=user, conversation=conversation, message_id=message_id
        )
        return message_change_payload(message, topic=str(topic))

    return run()


def read(*, user: User, topic: Topic, seq: int) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        mark = services.membership_mark_read(user=user, conversation=conversation, seq=seq)
        return {"last_read_seq": mark}

    return run()
