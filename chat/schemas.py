"""The `data` of every chat frame on the gateway (closed: unknown fields are errors)."""

from pydantic import Field

from chat.models import CLIENT_ID_MAX_LENGTH, MESSAGE_MAX_LENGTH
from realtime.schemas import FrameData


class ChatJoin(FrameData):
    last_seq: int | None = Field(default=None, ge=0)
    # With last_seq: the revision the client has seen; the reply's `updates` holds the messages
    # up to last_seq that were edited or deleted since.
    last_revision: int | None = Field(default=None, ge=0)


class MessageSend(FrameData):
    # Trimmed length is checked by the service; this bounds the raw input.
    body: str = Field(min_length=1, max_length=MESSAGE_MAX_LENGTH * 2)
    client_id: str = Field(min_length=1, max_length=CLIENT_ID_MAX_LENGTH)


class MessageEdit(FrameData):
    id: int = Field(ge=1)
    body: str = Field(min_length=1, max_length=MESSAGE_MAX_LENGTH * 2)


class MessageDelete(FrameData):
    id: int = Field(ge=1)


class Typing(FrameData):
    typing: bool = True


class Read(FrameData):
    seq: int = Field(ge=0)
