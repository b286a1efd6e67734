"""The one error type of the rooms' services and access rules."""

from core.errors import ServiceError


class RoomError(ServiceError):
    """A refused read or write of the rooms (`forbidden`, `conflict`, ...)."""
