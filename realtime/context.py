"""What a topic handler knows about the connection it is serving."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from realtime.schemas import Payload, encode_push
from realtime.topics import Topic


@dataclass(eq=False)
class Context:
    """One WebSocket connection, as handlers see it.

    `channel_name` is the connection's address on the channel layer (for `push_to_channel`
    from another connection); `connection_id` is a short random id, distinct per tab, fit for
    logs and for ids shown to other users (a room's peer id).
    """

    user: User
    channel_name: str
    connection_id: str
    _send_text: Callable[[str], Awaitable[None]] = field(repr=False)
    _set_listening: Callable[[Topic, bool], Awaitable[None]] = field(repr=False)
    # Keyed by the wire form, so relaying a push needs no parsing.
    _joined: dict[str, Topic] = field(default_factory=dict, repr=False)
    _state: dict[Topic, dict[str, Any]] = field(default_factory=dict, repr=False)

    def is_joined(self, topic: Topic) -> bool:
        return str(topic) in self._joined

    @property
    def joined(self) -> frozenset[Topic]:
        return frozenset(self._joined.values())

    def topic_state(self, topic: Topic) -> dict[str, Any]:
        """A dict private to this connection and topic; the gateway drops it on leave."""
        return self._state.setdefault(topic, {})

    async def push(self, topic: Topic | str, event_type: str, data: Payload | None = None) -> None:
        """Send `{"type": event_type, "topic", "data"}` to this connection only, now.

        Raises pydantic errors for a malformed topic or type or data that is not JSON.
        """
        await self._send_text(encode_push(str(topic), event_type, data))

    async def set_listening(self, topic: Topic, listening: bool) -> None:
        """Whether this connection, joined to `topic`, hears the pushes sent to the whole topic.

        A room's lobby holds a joined connection out of them; pushes sent to this connection
        alone (`push_to_channel`) still arrive. Pushes already on their way are dropped too.
        """
        await self._set_listening(topic, listening)
