"""The one error family of the services: a refusal with a protocol code, a message and a field.

Services raise a `ServiceError` (or an app's subclass of it) and change nothing. The REST API
answers it in the shape of api.md (`core.api_errors`), the gateway as an error reply
(protocol.md), with the same code: a client handles both alike.
"""

from typing import Literal, get_args

from django.utils.functional import Promise

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


class ServiceError(Exception):
    """A refused read or write. `code` is a protocol error code; `message` is shown to the
    user, so it must not leak what they may not see; `field` names the input at fault."""

    def __init__(
        self, code: ErrorCode, message: str | Promise, *, field: str | None = None
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(str(message))
        self.code: ErrorCode = code
        self.message = str(message)
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, field={self.field!r})"
