"""The `data` of every `room:` frame (closed: unknown fields and kinds are errors)."""

from typing import Literal

from pydantic import Field, model_validator

from realtime.schemas import FrameData
from rooms.models import QUESTION_MAX_LENGTH

# An SDP of a 6-peer mesh with audio, video and data is ~4-6 KB; 16 KiB leaves room for
# codecs and simulcast lines while bounding what one frame makes the server forward.
SDP_MAX_LENGTH = 16 * 1024
CANDIDATE_MAX_LENGTH = 1024
PEER_ID_MAX_LENGTH = 32


class IceCandidate(FrameData):
    """An RTCIceCandidateInit, as the browser's `icecandidate` event gives it."""

    candidate: str = Field(max_length=CANDIDATE_MAX_LENGTH)
    sdpMid: str | None = Field(default=None, max_length=64)
    sdpMLineIndex: int | None = Field(default=None, ge=0, le=1024)
    usernameFragment: str | None = Field(default=None, max_length=256)


class Signal(FrameData):
    """Offer and answer carry `sdp`; a candidate carries `candidate` (null: end of
    candidates); `bye` carries nothing and tells the peer to close the connection."""

    to: str = Field(min_length=1, max_length=PEER_ID_MAX_LENGTH)
    kind: Literal["offer", "answer", "candidate", "bye"]
    sdp: str | None = Field(default=None, max_length=SDP_MAX_LENGTH)
    candidate: IceCandidate | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> "Signal":
        if self.kind in ("offer", "answer") and (not self.sdp or self.candidate is not None):
            raise ValueError("an offer or answer carries `sdp` only")
        if self.kind == "candidate" and self.sdp is not None:
            raise ValueError("a candidate carries `candidate` only")
        if self.kind == "bye" and (self.sdp is not None or self.candidate is not None):
            raise ValueError("bye carries nothing")
        if self.sdp is not None and len(self.sdp.encode("utf-8", "surrogatepass")) > SDP_MAX_LENGTH:
            raise ValueError(f"`sdp` is over {SDP_MAX_LENGTH} bytes")
        return self


class Hand(FrameData):
    raised: bool


class QuestionAsk(FrameData):
    # Trimmed length is checked by the service (too_large past 500); this bounds raw input.
    body: str = Field(min_length=1, max_length=QUESTION_MAX_LENGTH * 2)


class QuestionRef(FrameData):
    id: int = Field(ge=1)


class StageSet(FrameData):
    user_id: int = Field(ge=1)
    on_stage: bool


class MuteRequest(FrameData):
    user_id: int = Field(ge=1)
    kind: Literal["audio", "video"]


class UserRef(FrameData):
    user_id: int = Field(ge=1)


class MediaState(FrameData):
    """What a publishing peer sends now: its camera and its microphone, each on or off."""

    camera: bool
    microphone: bool
