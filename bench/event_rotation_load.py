"""The participants' side of bench/event_rotation.py, run as its own process.

    python bench/event_rotation_load.py     # JSON lines in on stdin, JSON lines out on stdout

First line in: `{"clients": [{"url", "user_id"}], "topic": "event:<id>"}`. Every client
connects (a minimal client, bench/wsclient.py) and joins the event topic; out:
`{"connected": n, "join_ms": [...]}`. Then, per round change, in: `{"arm": tag, "round": r,
"kind": "event"|"user", "expected": {user id: [professional id, [student ids]] | null},
"timeout": s, "check": true}` (check false: any pairing will do); out `{"armed": tag}` at
once, and once every client has its `round.started` of round r on a topic of `kind` (or at
the timeout): `{"done": tag, "at": {user id: perf_counter of receipt}, "wrong": [...],
"missing": [...]}`. Receipts are stamped with `time.perf_counter()` (CLOCK_MONOTONIC, shared
by every process of the machine) before the frame is parsed; the pairing is checked
afterwards against what the database planned.
"""

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.wsclient import Client, connect

ROUND_STARTED = b'{"type":"round.started"'


class Change:
    """One armed round change: who must receive what, and what arrived so far."""

    def __init__(self, message: dict[str, Any], clients: int) -> None:
        self.tag: str = message["arm"]
        self.round: int = message["round"]
        self.topic_prefix = b'"topic":"%s:' % message["kind"].encode()
        self.markers = (b'"round":%d,' % self.round, b'"round":%d}' % self.round)
        self.expected: dict[str, Any] = message["expected"]
        self.check: bool = message.get("check", True)
        self.received: dict[int, tuple[float, bytes]] = {}
        self.clients = clients
        self.complete = asyncio.Event()

    def offer(self, user_id: int, at: float, payload: bytes) -> None:
        if user_id in self.received or self.topic_prefix not in payload:
            return
        if not any(marker in payload for marker in self.markers):
            return  # a late push of an earlier round
        self.received[user_id] = (at, payload)
        if len(self.received) == self.clients:
            self.complete.set()

    def verdict(self) -> dict[str, Any]:
        wrong = []
        for user_id, (_at, payload) in self.received.items() if self.check else ():
            pairing = json.loads(payload)["data"].get("pairing")
            want = self.expected.get(str(user_id))
            if not _same_pairing(pairing, want, user_id):
                wrong.append({"user_id": user_id, "got": pairing, "want": want})
        missing = [int(uid) for uid in self.expected if int(uid) not in self.received]
        return {
            "done": self.tag,
            "at": {str(uid): at for uid, (at, _payload) in self.received.items()},
            "wrong": wrong[:5],
            "wrong_count": len(wrong),
            "missing": missing,
        }


def _same_pairing(pairing: dict[str, Any] | None, want: list[Any] | None, user_id: int) -> bool:
    if want is None or pairing is None:
        return want is None and pairing is None
    professional, students = want
    got_students = sorted(student["id"] for student in pairing["students"])
    return (
        pairing["professional"]["id"] == professional
        and got_students == sorted(students)
        and user_id in (professional, *students)
    )


async def main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)  # the set-up line holds every URL
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    setup = json.loads(await reader.readline())
    current: list[Change] = []

    def on_text_for(user_id: int) -> Any:
        def on_text(payload: bytes) -> None:
            at = time.perf_counter()
            if current and payload.startswith(ROUND_STARTED):
                current[0].offer(user_id, at, payload)

        return on_text

    clients: list[Client] = []
    join_ms: list[float] = []
    semaphore = asyncio.Semaphore(50)

    async def open_one(n: int, spec: dict[str, Any]) -> None:
        async with semaphore:
            client = await connect(spec["url"], on_text_for(spec["user_id"]))
            clients.append(client)
            began = time.perf_counter()
            frame = {"type": "join", "topic": setup["topic"], "ref": f"j{n}"}
            reply = await asyncio.wait_for(
                client.request(json.dumps(frame), b'"ref":"j%d"' % n), timeout=60
            )
            join_ms.append((time.perf_counter() - began) * 1000)
            if b'"ok":true' not in reply:
                raise RuntimeError(f"join refused for user {spec['user_id']}: {reply[:300]!r}")

    await asyncio.gather(*(open_one(n, spec) for n, spec in enumerate(setup["clients"])))
    print(json.dumps({"connected": len(clients), "join_ms": join_ms}), flush=True)

    while line := await reader.readline():
        message = json.loads(line)
        if "quit" in message:
            break
        change = Change(message, len(message["expected"]))
        current[:] = [change]
        print(json.dumps({"armed": change.tag}), flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(change.complete.wait(), timeout=message["timeout"])
        current.clear()
        print(json.dumps(change.verdict()), flush=True)
    for client in clients:
        client.close()


if __name__ == "__main__":
    asyncio.run(main())
