"""The one error type of the rooms' services and access rules."""

from realtime.errors import ErrorCode


class RoomError(Exception):
    """A refused read or write. `code` is a protocol error code (`forbidden`, `conflict`,
    ...), mapped to the HTTP status of the same meaning by the REST views; `field` names the
    input at fault, if one is."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.field = field
