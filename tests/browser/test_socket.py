"""frontend/static/frontend/js/socket.js against a scripted gateway (Playwright routes /ws/)."""

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.live]

SETUP = """async () => {
  const { BackstageSocket } = await import("/static/frontend/js/socket.js");
  const socket = new BackstageSocket({ minDelay: 40, maxDelay: 160, replyTimeout: 800 });
  window.log = { statuses: [], pushes: [] };
  socket.onStatus((status) => log.statuses.push(status));
  socket.on("*", (push) => log.pushes.push(push));
  window.socket = socket;
  socket.connect();
  const reply = await socket.join("dm:9");
  return { reply, lastSeq: socket.lastSeq("dm:9") };
}"""

# Resolves to {ok, data} or {code, message} so Python can look at either outcome.
SEND = """async ([type, topic, data]) => {
  try {
    return { ok: true, data: await socket.send(type, topic, data) };
  } catch (error) {
    return { ok: false, code: error.code, name: error.name };
  }
}"""


class FakeGateway:
    """The server side of /ws/: answers joins (with history unless resuming) and sends."""

    def __init__(self) -> None:
        self.connections: list[dict[str, Any]] = []

    def accept(self, ws: Any) -> None:
        connection: dict[str, Any] = {"ws": ws, "frames": []}
        self.connections.append(connection)
        ws.on_message(lambda message: self._receive(connection, message))

    def _receive(self, connection: dict[str, Any], message: str | bytes) -> None:
        frame = json.loads(message)
        connection["frames"].append(frame)
        ws, ref = connection["ws"], frame.get("ref")
        if frame["type"] == "join":
            resuming = "last_seq" in frame.get("data", {})
            history = [] if resuming else [{"seq": 3, "body": "a"}, {"seq": 4, "body": "b"}]
            self.reply(ws, ref, {"history": history, "more": False})
        elif frame["type"] == "message.send":
            body = frame["data"]["body"]
            if body == "forbidden":
                error = {"code": "forbidden", "message": "Not a member."}
                ws.send(json.dumps({"type": "reply", "ref": ref, "ok": False, "error": error}))
            elif body != "silence":
                self.reply(ws, ref, {"id": 1, "seq": 6, "body": body})

    @staticmethod
    def reply(ws: Any, ref: str, data: dict[str, Any]) -> None:
        ws.send(json.dumps({"type": "reply", "ref": ref, "ok": True, "data": data}))

    def frames(self, index: int = -1) -> list[dict[str, Any]]:
        frames: list[dict[str, Any]] = self.connections[index]["frames"]
        return frames

    def push(self, frame: dict[str, Any], index: int = -1) -> None:
        self.connections[index]["ws"].send(json.dumps(frame))

    def close(self, code: int, index: int = -1) -> None:
        self.connections[index]["ws"].close(code=code)


def wait_until(page: Any, condition: Callable[[], bool], seconds: float = 5) -> None:
    """Let Playwright deliver events (the fake gateway runs inside its calls) until true."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)


@pytest.fixture
def gateway(page: Any, live_daphne: Any) -> FakeGateway:
    fake = FakeGateway()
    page.route_web_socket("**/ws/", fake.accept)
    # The landing page of a visitor: no shell socket of its own.
    page.goto(live_daphne.http_url + "/")
    return fake


def test_join_push_ping_errors_resume_and_sign_out(page: Any, gateway: FakeGateway) -> None:
    result = page.evaluate(SETUP)
    assert result == {
        "reply": {"history": [{"seq": 3, "body": "a"}, {"seq": 4, "body": "b"}], "more": False},
        "lastSeq": 4,
    }
    assert gateway.frames()[0] == {"type": "join", "topic": "dm:9", "ref": "c1", "data": {}}
    assert page.evaluate("log.statuses") == ["connecting", "live"]

    # Pushes reach listeners and move the topic's seq.
    gateway.push({"type": "message.new", "topic": "dm:9", "data": {"seq": 5, "body": "hi"}})
    page.wait_for_function("() => log.pushes.length === 1")
    assert page.evaluate("log.pushes[0]") == {
        "type": "message.new",
        "topic": "dm:9",
        "data": {"seq": 5, "body": "hi"},
    }
    assert page.evaluate("socket.lastSeq('dm:9')") == 5

    # Keep-alive: a ping is answered by a bare pong (no topic, no ref), and not dispatched.
    gateway.push({"type": "ping", "data": {"ts": 1}})
    wait_until(page, lambda: {"type": "pong"} in gateway.frames())
    assert page.evaluate("log.pushes.length") == 1

    # Replies resolve or reject the promise of the frame with the same ref.
    sent = page.evaluate(SEND, ["message.send", "dm:9", {"body": "Hello", "client_id": "x1"}])
    assert sent == {"ok": True, "data": {"id": 1, "seq": 6, "body": "Hello"}}
    assert gateway.frames()[-1]["ref"] == "c2"
    refused = page.evaluate(SEND, ["message.send", "dm:9", {"body": "forbidden"}])
    assert refused == {"ok": False, "code": "forbidden", "name": "BackstageSocketError"}
    silent = page.evaluate(SEND, ["message.send", "dm:9", {"body": "silence"}])
    assert silent["code"] == "timeout"

    # The server drops us (idle timeout): reconnect, and rejoin from the last seq pushed (a
    # reply's seq does not count: the push of that message is what the resume is about).
    gateway.close(4408)
    wait_until(page, lambda: len(gateway.connections) == 2 and bool(gateway.frames(1)))
    rejoin = gateway.frames(1)[0]
    assert (rejoin["type"], rejoin["topic"], rejoin["data"]) == ("join", "dm:9", {"last_seq": 5})
    page.wait_for_function("() => log.pushes.some((p) => p.type === 'rejoined')")
    assert page.evaluate("log.statuses") == ["connecting", "live", "reconnecting", "live"]

    # Signed out (4401): stop for good and say so.
    gateway.close(4401)
    page.wait_for_function("() => socket.status === 'signed_out'")
    page.wait_for_timeout(400)
    assert len(gateway.connections) == 2
    assert page.evaluate(SEND, ["message.send", "dm:9", {"body": "late"}])["code"] == "signed_out"


def test_left_topics_are_not_rejoined_and_reconnect_after_close_rejoins(
    page: Any, gateway: FakeGateway
) -> None:
    page.evaluate(SETUP)
    page.evaluate("socket.join('room:1')")
    wait_until(page, lambda: len(gateway.frames()) == 2)
    gateway.push({"type": "left", "topic": "room:1", "data": {"reason": "evicted"}})
    page.wait_for_function("() => log.pushes.some((p) => p.type === 'left')")

    gateway.close(1000)
    wait_until(page, lambda: len(gateway.connections) == 2 and bool(gateway.frames(1)))
    page.wait_for_timeout(200)
    topics = [frame["topic"] for frame in gateway.frames(1) if frame["type"] == "join"]
    assert topics == ["dm:9"]

    # close() then connect() (the page came back from the back/forward cache): topics rejoin.
    page.evaluate("socket.close(); socket.connect()")
    wait_until(page, lambda: len(gateway.connections) == 3 and bool(gateway.frames(2)))
    assert gateway.frames(2)[0]["data"] == {"last_seq": 4}


def test_backoff_grows_with_jitter_and_is_capped(page: Any, live_daphne: Any) -> None:
    attempts: list[float] = []

    def refuse(ws: Any) -> None:
        attempts.append(time.monotonic())
        ws.close(code=4000)

    page.route_web_socket("**/ws/", refuse)
    page.goto(live_daphne.http_url + "/")
    page.evaluate("""async () => {
      const { BackstageSocket } = await import("/static/frontend/js/socket.js");
      window.socket = new BackstageSocket({ minDelay: 40, maxDelay: 320 });
      socket.connect();
    }""")
    wait_until(page, lambda: len(attempts) >= 7, seconds=10)
    page.evaluate("socket.close()")
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    # Delays are drawn in [ceiling/2, ceiling]: 40, 80, 160, then capped at 320 ms.
    assert gaps[0] < 0.2
    assert all(gap < 0.32 + 0.15 for gap in gaps)
    assert min(gaps[3:]) >= 0.16 - 0.02
    assert page.evaluate("socket.status") == "closed"
