"""Every frame of the gateway envelope, in and out (docs/protocol.md), and their encoding.

Incoming frames are closed formats: unknown fields are errors. The `data` of a frame is an
object here; the topic handler's schema for that frame type validates it afterwards.
"""

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import to_json

from core.parsers import MAX_JSON_DEPTH, json_input_problem, text_is_clean
from realtime.errors import ErrorCode, GatewayError
from realtime.topics import TOPIC_PATTERN

FRAME_TYPE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
MAX_REF_LENGTH = 64
# Gateway frames and gateway pushes: no handler may declare these types nor a service push them.
RESERVED_TYPES = frozenset({"join", "leave", "pong", "ping", "reply", "joined", "left"})

FrameType = Annotated[str, StringConstraints(max_length=64, pattern=FRAME_TYPE_PATTERN)]
TopicName = Annotated[str, StringConstraints(pattern=TOPIC_PATTERN)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=MAX_REF_LENGTH)]
# What handlers and services may hand the gateway as a frame's `data`.
Payload = Mapping[str, Any] | BaseModel


class FrameData(BaseModel):
    """Base of every `data` schema a topic handler declares: closed, strict and immutable.

    The gateway validates `data` with JSON semantics: `"3"` is not an int, while ISO 8601
    strings are datetimes and UUID strings are UUIDs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class EmptyData(FrameData):
    """A `data` that must be `{}` (or absent)."""


# --- Client → server -------------------------------------------------------------------------


class ClientFrame(BaseModel):
    """`{"type", "topic", "ref", "data"}`: every client frame except `pong`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    type: FrameType
    topic: TopicName
    ref: Ref
    data: dict[str, Any] = Field(default_factory=dict)


class PongData(FrameData):
    ts: int | None = None


class PongFrame(BaseModel):
    """`{"type": "pong"}`: the answer to a ping. No topic, no ref, and no reply."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    type: Literal["pong"]
    data: PongData | None = None


# --- Server → client -------------------------------------------------------------------------


class ErrorBody(BaseModel):
    code: ErrorCode
    message: str


class ReplyOk(BaseModel):
    type: Literal["reply"] = "reply"
    ref: str
    ok: Literal[True] = True
    data: dict[str, Any]


class ReplyError(BaseModel):
    type: Literal["reply"] = "reply"
    ref: str | None
    ok: Literal[False] = False
    error: ErrorBody


class PingData(BaseModel):
    ts: int


class Ping(BaseModel):
    type: Literal["ping"] = "ping"
    data: PingData


class Push(BaseModel):
    """`{"type": "<event>", "topic", "data"}`: an event on a topic the connection has joined."""

    type: FrameType
    topic: TopicName
    data: dict[str, Any]


def payload_dict(payload: Payload | None) -> dict[str, Any]:
    """A handler's or service's payload as a JSON-ready dict (a model is dumped in JSON mode)."""
    if payload is None:
        return {}
    if isinstance(payload, BaseModel):
        return payload.model_dump(mode="json")
    return dict(payload)


def reply_ok(ref: str, data: Payload | None) -> str:
    return ReplyOk(ref=ref, data=payload_dict(data)).model_dump_json()


def reply_error(ref: str | None, code: ErrorCode, message: str) -> str:
    return ReplyError(ref=ref, error=ErrorBody(code=code, message=message)).model_dump_json()


def encode_push(topic: str, event_type: str, data: Payload | None) -> str:
    """The wire text of a push. Raises pydantic's ValidationError for a malformed topic or type
    and PydanticSerializationError for data that is not JSON-serialisable."""
    return Push(type=event_type, topic=topic, data=payload_dict(data)).model_dump_json()


# --- Parsing ---------------------------------------------------------------------------------


class FrameError(Exception):
    """A frame the gateway cannot accept; answered with `bad_request` and this ref."""

    def __init__(self, ref: str | None, message: str) -> None:
        super().__init__(message)
        self.ref = ref
        self.message = message


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _readable_ref(obj: Mapping[str, Any]) -> str | None:
    ref = obj.get("ref")
    if isinstance(ref, str) and 1 <= len(ref) <= MAX_REF_LENGTH and text_is_clean(ref):
        return ref
    return None


def _may_break_input_rules(text: str) -> bool:
    """Whether the decoded frame needs core.parsers' walk: only escapes (json refuses a raw NUL)
    or raw surrogates give a forbidden string, and only that many brackets a deep frame. A
    chat message or a signal skips the walk."""
    return (
        "\\u" in text
        or not text_is_clean(text)
        or text.count("{") + text.count("[") > MAX_JSON_DEPTH
    )


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """A short, input-free description of what is wrong, e.g. `data.body: Field required`."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        location = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        parts.append(f"{location or 'frame'}: {error['msg']}")
    return "; ".join(parts)


def peek_frame(text: str) -> tuple[Any, str | None]:
    """The `type` and readable `ref` of a frame that will not be processed (rate limited)."""
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(obj, dict):
        return None, None
    return obj.get("type"), _readable_ref(obj)


def parse_frame(text: str) -> ClientFrame | PongFrame:
    """Decode and validate one text frame. Raises FrameError (with the ref when readable)."""
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise FrameError(None, "A frame must be one JSON object.") from None
    if not isinstance(obj, dict):
        raise FrameError(None, "A frame must be one JSON object.")
    ref = _readable_ref(obj)
    # Deep `data` broke the handlers' schemas and a NUL broke PostgreSQL (both `internal`);
    # the REST API's rule, for every string of the frame, keys included.
    problem = json_input_problem(obj) if _may_break_input_rules(text) else None
    if problem is not None:
        where = f"{problem.field}: " if problem.field is not None else ""
        raise FrameError(ref, where + problem.message)
    try:
        if obj.get("type") == "pong":
            return PongFrame.model_validate(obj)
        return ClientFrame.model_validate(obj)
    except ValidationError as exc:
        raise FrameError(ref, describe_validation_error(exc)) from None


def utf8_size_exceeds(text: str, limit: int) -> bool:
    """Whether `text` is over `limit` bytes in UTF-8, without encoding it when length decides."""
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


def validate_data(schema: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """A frame's `data` validated by the handler's `schema`; GatewayError(`bad_request`)
    naming the first bad field when it does not fit."""
    # Schemas have JSON semantics: a strict schema still takes ISO dates and UUIDs, which JSON
    # sends as text. `data` came from JSON, so whatever strict Python validation accepts, JSON
    # mode accepts alike; try it first and re-encode only when it refuses (dates, UUIDs, bad
    # input), which saves an encode and a parse on every chat message and signal.
    try:
        return schema.model_validate(data)
    except ValidationError:
        pass
    try:
        return schema.model_validate_json(to_json(data))
    except ValidationError as exc:
        raise GatewayError("bad_request", describe_validation_error(exc, "data")) from None
