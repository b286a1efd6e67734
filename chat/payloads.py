"""The wire shapes of chat objects, shared by the WebSocket handler, pushes and REST."""

from typing import Any

from accounts.payloads import author_payload
from chat.models import Conversation, Message

__all__ = ["author_payload"]  # re-exported: chat's callers know it as chat.payloads.*


def message_payload(message: Message, *, topic: str | None = None) -> dict[str, Any]:
    """`message.new`'s data (protocol.md) plus `edited_at` and `deleted`.

    A deleted message keeps its place in the sequence but shows no body.
    """
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "seq": message.seq,
        "topic": topic or message.conversation.topic,
        "author": author_payload(message.author),
        "body": "" if deleted else message.body,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
        "edited_at": (
            message.edited_at.isoformat().replace("+00:00", "Z") if message.edited_at else None
        ),
        "deleted": deleted,
    }


def message_change_payload(message: Message, *, topic: str | None = None) -> dict[str, Any]:
    """A message as `message.updated` / `message.deleted` carry it: with the conversation
    `revision` its change made, which the client keeps to resume (`join.last_revision`)."""
    return {**message_payload(message, topic=topic), "revision": message.revision}


def conversation_ref(conversation: Conversation) -> dict[str, Any]:
    return {"id": conversation.pk, "topic": conversation.topic}
