"""Error codes and close codes of the WebSocket protocol (docs/protocol.md)."""

from enum import IntEnum

from core.errors import ERROR_CODES, ErrorCode, ServiceError

__all__ = ["ERROR_CODES", "CloseCode", "ErrorCode", "GatewayError"]


class CloseCode(IntEnum):
    """Codes the server closes a socket with. 4xxx mirror the HTTP status they resemble."""

    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    TRY_AGAIN_LATER = 1013  # too slow to read its pushes: reconnect and resume
    # No valid credentials; or, on an open socket, signed out, password changed, session gone.
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    FORBIDDEN_ORIGIN = 4403  # the socket's Origin is not allowed
    ACCOUNT_DISABLED = 4403  # the account was deactivated (or suspended)
    IDLE_TIMEOUT = 4408
    RATE_LIMITED = 4429


class GatewayError(ServiceError):
    """Raised by the gateway itself or a topic handler to answer a frame with an error reply.

    The connection stays open; the frame's ref gets `{"ok": false, "error": {code, message}}`.
    Any `ServiceError` a handler lets through is answered the same way.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(code, message)
