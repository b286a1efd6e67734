"""What scheduling services raise. The REST API and the pages turn each into their answer."""

from django.utils.functional import Promise


class SchedulingError(Exception):
    """Base: a request the rules refuse. Nothing was changed when it is raised."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class InvalidRequest(SchedulingError):
    """The input breaks a rule (a slot too soon, a window that ends before it starts): 400."""


class SchedulingConflict(SchedulingError):
    """Valid, but clashes with the current state (a full slot, an overlap, twice): 409."""


class NotPermitted(SchedulingError):
    """The caller's role or standing does not allow it: 403."""


class NotFound(SchedulingError):
    """No such thing, or not one the caller may see: 404."""
