"""One synchronous unit of work per chat frame: access, then one service or selector.

Handlers call these through `database_sync_to_async`, once per frame. They translate the
chat's errors into the gateway's `GatewayError`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from chat import selectors, services
from chat.access import ChatAccessError, access_conversation
from chat.models import Conversation
from chat.payloads import message_payload
from profiles.models import User
from realtime.errors import GatewayError
from realtime.topics import Topic

T = TypeVar("T")


def _gateway(function: Callable[[], T]) -> T:
    try:
        return function()
    except ChatAccessError as exc:
        raise GatewayError(exc.code, exc.message) from None
    except services.ChatError as exc:
        raise GatewayError(exc.code, exc.message) from None


def _conversation(user: User, topic: Topic) -> Conversation:
    return access_conversation(user=user, topic=topic)


def join(*, user: User, topic: Topic, last_seq: int | None) -> tuple[dict[str, Any], int]:
    def run() -> tuple[dict[str, Any], int]:
        conversation = _conversation(user, topic)
        history = selectors.message_history(conversation=conversation, after_seq=last_seq)
        members = selectors.conversation_members(conversation=conversation)
        data = {
            "conversation": {"id": conversation.pk, "topic": conversation.topic},
            "members": members,
            "last_seq": conversation.last_seq,
            "history": history.messages,
            "more": history.more,
            "older": history.older,
        }
        return data, history.seq

    return _gateway(run)


def send(*, user: User, topic: Topic, body: str, client_id: str) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        result = services.message_send(
            author=user, conversation=conversation, body=body, client_id=client_id
        )
        return message_payload(result.message, topic=str(topic))

    return _gateway(run)


def edit(*, user: User, topic: Topic, message_id: int, body: str) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        message = services.message_edit(
            author=user, conversation=conversation, message_id=message_id, body=body
        )
        return message_payload(message, topic=str(topic))

    return _gateway(run)


def delete(*, user: User, topic: Topic, message_id: int) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        message = services.message_delete(
            author=user, conversation=conversation, message_id=message_id
        )
        return message_payload(message, topic=str(topic))

    return _gateway(run)


def read(*, user: User, topic: Topic, seq: int) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        conversation = _conversation(user, topic)
        mark = services.membership_mark_read(user=user, conversation=conversation, seq=seq)
        return {"last_read_seq": mark}

    return _gateway(run)
