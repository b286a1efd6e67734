"""The frames bench/ws_fuzz.py sends: valid, near-valid and garbage, from a seeded generator.

Each `Shot` says what the protocol (docs/protocol.md) promises for it: one reply carrying the
frame's ref, or `ref: null` when no ref can be read from it, or none at all for a valid pong.
Valid frames cover every topic kind and frame type; near-valid ones are valid frames with one
thing wrong (a field missing, mistyped, out of range or unknown; a NUL or an unpaired
surrogate in any string; deep nesting; an odd ref); garbage is whatever else arrives on a
socket (text that is not JSON, JSON that is not an object, binary frames, runaway brackets).
"""

import json
import random
import string
from dataclasses import dataclass, field
from typing import Any

MAX_REF_LENGTH = 64  # the gateway's; longer refs are unreadable and answered with ref null
# Characters message bodies are drawn from: accents, an emoji (outside the BMP: a surrogate
# pair once escaped), CJK, right-to-left, a zero-width joiner, a tab and a newline.
TEXT_ALPHABET = string.ascii_letters + string.digits + " .,?!-'\"\\/<>&é€ç😀中文עב\u200d\t\n"
BAD_CHARACTERS = ("\x00", "\ud800", "\udbff", "\udc00", "\udfff")
CHAT_TYPES = ("message.send", "message.edit", "message.delete", "read", "typing")
ROOM_TYPES = (
    *CHAT_TYPES,
    *("signal", "media", "hand", "question.ask", "question.vote", "question.answer"),
    *("stage.set", "mute.request", "participant.remove", "lobby.admit", "room.end"),
)


@dataclass
class World:
    """What one connection's generator knows: its user, the topics, the room's live peers."""

    user_id: int
    is_host: bool
    user_ids: list[int]
    dm_topic: str
    room_topic: str
    other_user_topic: str
    peer_ids: set[str] = field(default_factory=set)  # shared by the connections of a run


@dataclass(frozen=True)
class Shot:
    text: str | None  # a text frame, or None for the binary frame `binary`
    ref: str | None  # the ref the reply carries (None: `ref: null`)
    category: str  # "valid", "near" or "garbage"
    binary: bytes = b""
    replies: bool = True  # False only for a valid pong


def readable_ref(ref: Any) -> str | None:
    readable = isinstance(ref, str) and 1 <= len(ref) <= MAX_REF_LENGTH
    if readable and not any(bad in ref for bad in BAD_CHARACTERS):
        return str(ref)
    return None


class FrameGenerator:
    def __init__(self, seed: str, world: World) -> None:
        self.rng = random.Random(seed)
        self.world = world
        self.count = 0
        self.prefix = f"{seed}:"

    def next(self) -> Shot:
        self.count += 1
        roll = self.rng.random()
        if roll < 0.45:
            return self.valid()
        if roll < 0.85:
            return self.near()
        return self.garbage()

    # --- helpers -------------------------------------------------------------------------------

    def ref(self) -> str:
        return f"{self.prefix}{self.count}"

    def text(self, low: int = 1, high: int = 200) -> str:
        size = self.rng.randint(low, high)
        return "".join(self.rng.choice(TEXT_ALPHABET) for _ in range(size))

    def frame_shot(self, frame: dict[str, Any], category: str) -> Shot:
        text = json.dumps(frame, ensure_ascii=self.rng.random() < 0.5)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate travels as an escape, as from a browser
            text = json.dumps(frame, ensure_ascii=True)
        return Shot(text=text, ref=readable_ref(frame.get("ref")), category=category)

    # --- valid frames --------------------------------------------------------------------------

    def valid_frame(self) -> dict[str, Any]:
        w, rng = self.world, self.rng
        topic = rng.choice([f"user:{w.user_id}", w.dm_topic, w.room_topic, w.room_topic, "event:1"])
        kind = topic.partition(":")[0]
        types: tuple[str, ...] = ("join", "leave")
        if kind == "dm":
            types += CHAT_TYPES
        elif kind == "room":
            types += ROOM_TYPES
        frame_type = rng.choice(types)
        if frame_type == "room.end" and w.is_host:
            frame_type = "hand"  # the host would end the room for the rest of the run
        frame: dict[str, Any] = {"type": frame_type, "topic": topic, "ref": self.ref()}
        data = self.valid_data(kind, frame_type)
        if data is not None:
            frame["data"] = data
        return frame

    def valid_data(self, kind: str, frame_type: str) -> dict[str, Any] | None:
        rng, w = self.rng, self.world
        if frame_type == "join":
            if kind in ("dm", "room") and rng.random() < 0.5:
                return {"last_seq": rng.randint(0, 20), "last_revision": rng.randint(0, 5)}
            return rng.choice([None, {}])
        if frame_type in ("leave", "room.end"):
            return rng.choice([None, {}])
        user_id = rng.choice(w.user_ids)
        makers: dict[str, Any] = {
            "message.send": lambda: {"body": self.text(), "client_id": f"c{self.ref()}"},
            "message.edit": lambda: {"id": rng.randint(1, 60), "body": self.text()},
            "message.delete": lambda: {"id": rng.randint(1, 60)},
            "read": lambda: {"seq": rng.randint(0, 60)},
            "typing": lambda: {"typing": rng.random() < 0.5},
            "signal": self.signal_data,
            "media": lambda: {"camera": rng.random() < 0.5, "microphone": rng.random() < 0.5},
            "hand": lambda: {"raised": rng.random() < 0.5},
            "question.ask": lambda: {"body": self.text(1, 300)},
            "question.vote": lambda: {"id": rng.randint(1, 40)},
            "question.answer": lambda: {"id": rng.randint(1, 40)},
            "stage.set": lambda: {"user_id": user_id, "on_stage": rng.random() < 0.5},
            "mute.request": lambda: {"user_id": user_id, "kind": rng.choice(["audio", "video"])},
            # Nobody real: removing the run's users would shut them out for the rest of it.
            "participant.remove": lambda: {"user_id": rng.randint(10**8, 10**9)},
            "lobby.admit": lambda: {"user_id": user_id},
        }
        data: dict[str, Any] = makers[frame_type]()
        return data

    def signal_data(self) -> dict[str, Any]:
        rng = self.rng
        peers = sorted(self.world.peer_ids)
        target = rng.choice(peers) if peers and rng.random() < 0.8 else f"p{rng.randint(1, 99)}"
        kind = rng.choice(["offer", "answer", "candidate", "bye"])
        data: dict[str, Any] = {"to": target, "kind": kind}
        if kind in ("offer", "answer"):
            direction = rng.choice(["recvonly", "sendrecv"])
            data["sdp"] = f"v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na={direction}\r\n"
        elif kind == "candidate":
            data["candidate"] = rng.choice(
                [
                    None,
                    {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host"},
                    {"candidate": "", "sdpMid": "0", "sdpMLineIndex": 0},
                ]
            )
        return data

    def valid(self) -> Shot:
        if self.rng.random() < 0.03:
            pong: dict[str, Any] = {"type": "pong"}
            if self.rng.random() < 0.5:
                pong["data"] = {"ts": self.rng.randint(0, 2**40)}
            return Shot(text=json.dumps(pong), ref=None, category="valid", replies=False)
        return self.frame_shot(self.valid_frame(), "valid")

    # --- near-valid frames ---------------------------------------------------------------------

    def near(self) -> Shot:
        frame = self.valid_frame()
        mutations = [
            self.drop_key,
            self.extra_key,
            self.odd_value,
            self.odd_type,
            self.odd_topic,
            self.odd_ref,
            self.bad_string,
            self.bad_string,
            self.deep_data,
            self.pong_with_ref,
        ]
        frame = self.rng.choice(mutations)(frame)
        if frame.get("type") == "pong" and set(frame) <= {"type", "data"}:
            frame["ref"] = self.ref()  # a bare pong gets no reply: keep this one answerable
        return self.frame_shot(frame, "near")

    def target(self, frame: dict[str, Any]) -> dict[str, Any]:
        """The envelope or its `data` (when it has keys), for a mutation to work on."""
        data = frame.get("data")
        if isinstance(data, dict) and data and self.rng.random() < 0.7:
            return data
        return frame

    def drop_key(self, frame: dict[str, Any]) -> dict[str, Any]:
        where = self.target(frame)
        where.pop(self.rng.choice(sorted(where)), None)
        return frame

    def extra_key(self, frame: dict[str, Any]) -> dict[str, Any]:
        self.target(frame)[self.rng.choice(["x", "Data", "", "ref2", self.text(1, 8)])] = 1
        return frame

    def junk_value(self) -> Any:
        rng = self.rng
        return rng.choice(
            [
                None, True, False, 0, -1, 2**31, 2**63, -(2**70), 10**30, 1.5, -0.0, 1e308,
                "", "1", "true", self.text(1, 20), self.text(4000, 9000), [], [1, "a"], {},
                {"a": {"b": [None]}}, "2026-13-45T25:61:00Z", "0000-0000-0000-0000",
            ]
        )  # fmt: skip

    def odd_value(self, frame: dict[str, Any]) -> dict[str, Any]:
        where = self.target(frame)
        key = self.rng.choice(sorted(where))
        if where is frame and key == "ref":
            key = "data"
        where[key] = self.junk_value()
        return frame

    def odd_type(self, frame: dict[str, Any]) -> dict[str, Any]:
        frame["type"] = self.rng.choice(
            ["Join", "join ", "a..b", "x" * 65, "ping", "reply", "joined", "message.sent",
             "signal.", "", "question.ask.now", self.text(1, 12).replace("pong", "")]
        )  # fmt: skip
        return frame

    def odd_topic(self, frame: dict[str, Any]) -> dict[str, Any]:
        w = self.world
        frame["topic"] = self.rng.choice(
            ["user", "user:", "USER:1", "user:1:2", "user:" + "1" * 61, "dm:abc", "dm:-1",
             "dm:0", "dm:99999999", "room:99999999", "nokind:1", w.other_user_topic,
             "event:abc", " room:1", w.room_topic + " ", ""]
        )  # fmt: skip
        return frame

    def odd_ref(self, frame: dict[str, Any]) -> dict[str, Any]:
        unique = self.ref()
        frame["ref"] = self.rng.choice(
            ["", "r" * (MAX_REF_LENGTH + 1), 17, None, ["r"], {"r": 1}, True,
             (unique + "x" * MAX_REF_LENGTH)[:MAX_REF_LENGTH], f"→ {unique} 😀", f" {unique}\n"]
        )  # fmt: skip
        return frame

    def bad_string(self, frame: dict[str, Any]) -> dict[str, Any]:
        """A NUL or an unpaired surrogate in a string value, a key, or the ref itself."""
        bad = self.rng.choice(BAD_CHARACTERS)
        where = self.target(frame)
        key = self.rng.choice(sorted(where))
        roll = self.rng.random()
        if roll < 0.15:
            where[f"k{bad}"] = 1
        elif roll < 0.3 or not isinstance(where[key], str):
            where[key] = f"{self.text(0, 5)}{bad}{self.text(0, 5)}"
        else:
            text = where[key]
            cut = self.rng.randint(0, len(text))
            where[key] = text[:cut] + bad + text[cut:]
        return frame

    def deep_data(self, frame: dict[str, Any]) -> dict[str, Any]:
        depth = self.rng.choice([33, 64, 255, 256, 300, 600])
        value: Any = self.rng.choice([1, "x", None])
        for level in range(depth):
            value = [value] if level % 2 else {"a": value}
        frame["data"] = {"body": value} if self.rng.random() < 0.5 else value
        return frame

    def pong_with_ref(self, frame: dict[str, Any]) -> dict[str, Any]:
        return {"type": "pong", "ref": frame["ref"], "data": {"ts": self.rng.randint(0, 9)}}

    # --- garbage -------------------------------------------------------------------------------

    def garbage(self) -> Shot:
        rng = self.rng
        roll = rng.randrange(10)
        if roll == 0:
            size = rng.randint(0, 300)
            return Shot(None, None, "garbage", binary=rng.randbytes(size))
        if roll == 1:
            text = self.text(0, 300)
        elif roll == 2:
            text = json.dumps(self.junk_value())  # JSON, but not an object
        elif roll == 3:
            whole = json.dumps(self.valid_frame())
            text = whole[: rng.randint(0, len(whole) - 1)]  # a prefix is never a whole object
        elif roll == 4:
            depth = rng.choice([1000, 3000, 12_000])  # all under 64 KiB
            text = rng.choice(["[" * depth, "[" * depth + "]" * depth, '{"a":' * depth])
        elif roll == 5:
            text = rng.choice(["NaN", "Infinity", '{"ref": NaN}', "\ufeff{}", "{}{}", " "])
        elif roll == 6:
            text = '{"type": "join", "topic": "user:1", "ref": "x"'.replace('"x"', "'x'")
        elif roll == 7:
            text = "".join(chr(rng.randint(1, 0xD7FF)) for _ in range(rng.randint(1, 50)))
        else:
            # An object without a usable ref: every reply to it must carry ref null.
            junk = {self.text(1, 6): self.junk_value() for _ in range(rng.randint(0, 4))}
            junk.pop("ref", None)
            if junk.get("type") == "pong":
                junk["type"] = "pong!"
            text = json.dumps(junk)
        return Shot(text=text, ref=None, category="garbage")
