"""Error codes and close codes of the WebSocket protocol (docs/protocol.md)."""

from enum import IntEnum
from typing import Literal, get_args

ErrorCode = Literal[
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "too_large",
    "internal",
]
ERROR_CODES: frozenset[str] = frozenset(get_args(ErrorCode))


class CloseCode(IntEnum):
    """Codes the server closes a socket with. 4xxx mirror the HTTP status they resemble."""

    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    TRY_AGAIN_LATER = 1013  # too slow to read its pushes: reconnect and resume
    UNAUTHORIZED = 4401
    FORBIDDEN_ORIGIN = 4403
    IDLE_TIMEOUT = 4408
    RATE_LIMITED = 4429


class GatewayError(Exception):
    """Raised by the gateway or a topic handler to answer a frame with an error reply.

    The connection stays open; the frame's ref gets `{"ok": false, "error": {code, message}}`.
    The message is shown to the client, so it must not leak data the user may not see.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown gateway error code {code!r}")
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    def __repr__(self) -> str:
        return f"GatewayError({self.code!r}, {self.message!r})"
