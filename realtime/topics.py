"""Topic names (`kind:id`) and the channel-layer group each one maps to."""

import re
from dataclasses import dataclass

KIND_PATTERN = r"[a-z][a-z0-9_]{0,31}"
ID_PATTERN = r"[A-Za-z0-9_-]{1,60}"
TOPIC_PATTERN = rf"^{KIND_PATTERN}:{ID_PATTERN}$"
_TOPIC_RE = re.compile(rf"^(?P<kind>{KIND_PATTERN}):(?P<id>{ID_PATTERN})$")
_KIND_RE = re.compile(rf"^{KIND_PATTERN}$")


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed topic. `str(topic)` is its wire form, `topic.group` its channel-layer group."""

    kind: str
    id: str

    @classmethod
    def parse(cls, value: str) -> "Topic":
        """Parse `kind:id`; raises ValueError when the text is not a well-formed topic."""
        match = _TOPIC_RE.fullmatch(value)
        if match is None:
            raise ValueError(f"not a topic: {value[:80]!r}")
        return cls(kind=match["kind"], id=match["id"])

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def group(self) -> str:
        # Only ASCII letters, digits, '-', '_' and '.' and under 100 characters: what every
        # channel layer accepts. The patterns above keep this at most 95 characters.
        return f"t.{self.kind}.{self.id}"


def is_valid_kind(kind: str) -> bool:
    return _KIND_RE.fullmatch(kind) is not None
