"""The media-mode seam: how many may take part, who publishes, who connects to whom.

Mesh (peer to peer) is the only mode today: every publisher uploads one stream per viewer, so
a mesh room holds at most 6 people. A selective forwarding unit later changes this module only:
the handler, the services and the browser ask it, and never test the mode themselves.
"""

import re
from dataclasses import dataclass

from rooms.models import MediaMode, ParticipantRole

_MEDIA_LINE = re.compile(r"^m=(\w+) (\d+)")
_DIRECTIONS = frozenset({"sendrecv", "sendonly", "recvonly", "inactive"})
_SENDING = frozenset({"sendrecv", "sendonly"})


@dataclass(frozen=True)
class MediaPolicy:
    mode: str
    max_participants: int

    def limit(self, capacity: int) -> int:
        """How many users may be present at once in a room of `capacity`."""
        return min(capacity, self.max_participants)

    def may_publish(self, role: str) -> bool:
        """Whether a participant of `role` may send camera and microphone."""
        return role in (ParticipantRole.HOST, ParticipantRole.STAGE)

    def connects(self, *, a_publishes: bool, b_publishes: bool) -> bool:
        """Whether two peers open a connection to each other: in mesh, when one publishes."""
        return a_publishes or b_publishes

    def sdp_allowed(self, *, sdp: str, publishes: bool) -> bool:
        """Whether a peer may send this offer or answer: one that may not publish must not
        offer to send audio or video."""
        return publishes or not sdp_sends_media(sdp)


MESH = MediaPolicy(mode=MediaMode.MESH, max_participants=6)
_POLICIES = {MESH.mode: MESH}


def media_policy(mode: str) -> MediaPolicy:
    """The policy of a room's `media_mode`. Raises KeyError for a mode that does not exist."""
    return _POLICIES[mode]


def sdp_sends_media(sdp: str) -> bool:
    """Whether an SDP sends audio or video in any active section.

    A section's direction is its own `a=` direction, else the session's, else `sendrecv`
    (RFC 8866 §6.7); a section with port 0 is rejected and sends nothing.
    """
    session_direction = "sendrecv"
    section: str | None = None  # the media kind of the current section
    active = False
    direction: str | None = None

    def sends() -> bool:
        return (
            section in ("audio", "video")
            and active
            and (direction or session_direction) in _SENDING
        )

    for raw in sdp.splitlines():
        line = raw.strip()
        match = _MEDIA_LINE.match(line)
        if match is not None:
            if sends():
                return True
            section, active, direction = match[1], match[2] != "0", None
            continue
        if line.startswith("a=") and line[2:] in _DIRECTIONS:
            if section is None:
                session_direction = line[2:]
            else:
                direction = line[2:]
    return sends()
