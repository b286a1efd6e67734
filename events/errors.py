"""The one error type of the events' services and access rules."""

from core.errors import ServiceError


class EventError(ServiceError):
    """A refused read or write of an event (`forbidden`, `not_found`, `conflict`, ...)."""
