"""What scheduling services raise. The REST API and the pages turn each into their answer."""

from typing import ClassVar

from django.utils.functional import Promise

from core.errors import ErrorCode, ServiceError


class SchedulingError(ServiceError):
    """Base: a request the rules refuse. Nothing was changed when it is raised. Each kind of
    refusal is a subclass with its own code."""

    error_code: ClassVar[ErrorCode] = "bad_request"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(self.error_code, message, field=field)


class InvalidRequest(SchedulingError):
    """The input breaks a rule (a slot too soon, a window that ends before it starts): 400."""

    error_code = "bad_request"


class SchedulingConflict(SchedulingError):
    """Valid, but clashes with the current state (a full slot, an overlap, twice): 409."""

    error_code = "conflict"


class NotPermitted(SchedulingError):
    """The caller's role or standing does not allow it: 403."""

    error_code = "forbidden"


class NotFound(SchedulingError):
    """No such thing, or not one the caller may see: 404."""

    error_code = "not_found"
