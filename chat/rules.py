"""The chat's rules that every way of writing shares: its error, what a message body may be,
the sending rate. Sending, editing, the REST API and the gateway all check through these."""

from dataclasses import dataclass

from django.conf import settings

from chat.models import MESSAGE_MAX_LENGTH, Message
from core.errors import ServiceError


class ChatError(ServiceError):
    """A refused chat write (`conflict`, `forbidden`, `too_large`, ...)."""


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool


def messages_per_minute() -> int:
    return int(getattr(settings, "CHAT_MESSAGES_PER_MINUTE", 30))


def message_body_checked(body: str) -> str:
    """The body as stored (trimmed), or ChatError: empty, or over MESSAGE_MAX_LENGTH."""
    text = body.strip()
    if not text:
        raise ChatError("bad_request", "A message cannot be empty.", field="body")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ChatError(
            "too_large", f"A message has at most {MESSAGE_MAX_LENGTH} characters.", field="body"
        )
    return text
