"""The process's fan-out hub (realtime/hub.py) and eager sends (realtime/eager.py)."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from realtime import delivery as delivery_module
from realtime import hub as hub_module
from realtime.broadcast import push, push_to_channel
from realtime.connection import Connection
from realtime.eager import run_eagerly
from realtime.hub import local_hub, watch_topic_kind
from tests.realtime.conftest import OpenWs, ProbeHandler, joined_user

# --- run_eagerly ------------------------------------------------------------------------------


async def test_a_coroutine_that_never_waits_runs_to_the_end_without_a_task() -> None:
    done: list[str] = []

    async def quick() -> None:
        done.append("ran")

    assert run_eagerly(quick()) is None
    assert done == ["ran"]


async def test_a_coroutine_that_waits_runs_eagerly_then_finishes_in_a_task() -> None:
    steps: list[str] = []
    gate = asyncio.Event()

    async def slow() -> None:
        steps.append("before")
        await gate.wait()
        steps.append("after")

    task = run_eagerly(slow())
    assert task is not None
    assert steps == ["before"]  # ran up to its first wait, synchronously
    gate.set()
    await task
    assert steps == ["before", "after"]


async def test_eager_errors_surface_where_they_happen() -> None:
    async def fails_at_once() -> None:
        raise ValueError("now")

    with pytest.raises(ValueError, match="now"):
        run_eagerly(fails_at_once())

    async def fails_later() -> None:
        await asyncio.sleep(0)
        raise ValueError("later")

    task = run_eagerly(fails_later())
    assert task is not None
    with pytest.raises(ValueError, match="later"):
        await task


async def test_cancelling_the_task_cancels_the_coroutine() -> None:
    cleaned: list[bool] = []

    async def waits_forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    task = run_eagerly(waits_forever())
    assert task is not None
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


# --- the hub with real connections ------------------------------------------------------------

pytestmark_db = pytest.mark.django_db(transaction=True)


def count_calls(monkeypatch: pytest.MonkeyPatch, layer: Any, name: str) -> list[tuple[Any, ...]]:
    """Record the calls of one channel-layer method (the real method still runs)."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(layer, name)

    async def recording(*args: Any) -> Any:
        calls.append(args)
        return await original(*args)

    monkeypatch.setattr(layer, name, recording)
    return calls


@pytestmark_db
async def test_one_subscription_per_topic_per_process(
    open_ws: OpenWs,
    channel_layer: Any,
    probe: ProbeHandler,
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., Any],
) -> None:
    users = [await sync_to_async(make_user)() for _ in range(3)]
    clients = [await joined_user(open_ws, user) for user in users]
    adds = count_calls(monkeypatch, channel_layer, "group_add")
    discards = count_calls(monkeypatch, channel_layer, "group_discard")

    for client in clients:
        assert (await client.request("join", "probe:shared"))["ok"]
    assert [group for group, _channel in adds] == ["t.probe.shared"]

    await push("probe:shared", "probe.note", {"n": 1})
    for client in clients:
        assert (await client.push())["data"] == {"n": 1}

    for client in clients[:2]:
        assert (await client.request("leave", "probe:shared"))["ok"]
    assert discards == []  # one member is left in this process
    await push("probe:shared", "probe.note", {"n": 2})
    assert (await clients[2].push())["data"] == {"n": 2}
    assert await clients[0].silent() and await clients[1].silent()

    assert (await clients[2].request("leave", "probe:shared"))["ok"]
    assert [group for group, _channel in discards] == ["t.probe.shared"]


@pytestmark_db
async def test_pushes_during_a_frame_follow_its_reply(
    open_ws: OpenWs, probe: ProbeHandler, student: Any
) -> None:
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:p"))["ok"]
    await client.send({"type": "probe.slow", "topic": "probe:p", "ref": "slow"})
    await asyncio.sleep(0.1)  # the handler is sleeping now
    await push("probe:p", "probe.note", {"during": True})
    first, second = await client.recv(), await client.recv()
    assert (first["type"], first["ref"]) == ("reply", "slow")
    assert second["data"] == {"during": True}


@pytestmark_db
async def test_a_direct_push_to_a_connection_of_this_process_skips_the_layer(
    open_ws: OpenWs,
    channel_layer: Any,
    probe: ProbeHandler,
    monkeypatch: pytest.MonkeyPatch,
    student: Any,
) -> None:
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:d"))["ok"]
    address = (await client.request("probe.state", "probe:d"))["data"]["channel"]
    sends = count_calls(monkeypatch, channel_layer, "send")
    await push_to_channel(address, "probe:d", "probe.note", {"to": "you"})
    assert (await client.push())["data"] == {"to": "you"}
    assert sends == []


@pytestmark_db
async def test_a_watcher_sees_the_group_pushes_of_its_kind(
    open_ws: OpenWs, probe: ProbeHandler, monkeypatch: pytest.MonkeyPatch, student: Any
) -> None:
    monkeypatch.setattr(hub_module, "_watchers", {})
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:w"))["ok"]
    address = (await client.request("probe.state", "probe:w"))["data"]["channel"]
    seen: list[tuple[str, str]] = []

    def watcher(message: dict[str, Any]) -> None:
        seen.append((message["topic"], message["event"]))

    def broken(message: dict[str, Any]) -> None:
        raise RuntimeError("a watcher that fails must not stop delivery")

    watch_topic_kind("probe", broken)
    watch_topic_kind("probe", watcher)
    await push("probe:w", "probe.note", {"n": 1})
    assert (await client.push())["data"] == {"n": 1}
    await push("user:" + str(student.pk), "probe.other", {})  # another kind: not watched
    await push_to_channel(address, "probe:w", "probe.direct", {})  # direct: not a group push
    await client.push()
    await client.push()
    assert seen == [("probe:w", "probe.note")]


# --- the hub with connections driven directly (to hold a socket up) ---------------------------


class Socket:
    """A connection's socket whose sends can be held up, as a client that stops reading."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.open = asyncio.Event()
        self.open.set()
        self.closed_with: int | None = None

    async def send(self, text: str) -> None:
        await self.open.wait()
        self.texts.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code

    def notes(self) -> list[Any]:
        return [
            message["data"]["n"]
            for message in map(json.loads, self.texts)
            if message["type"] == "probe.note"
        ]


async def connect(user: Any) -> tuple[Connection, Socket]:
    hub = local_hub()
    assert hub is not None
    socket = Socket()
    connection = Connection(user=user, hub=hub, send_text=socket.send, close=socket.close)
    await connection.open()
    frame = {"type": "join", "topic": "probe:direct", "ref": "j"}
    await connection.receive(text=json.dumps(frame), data=None)
    return connection, socket


async def settle(until: Callable[[], bool] = lambda: False, timeout: float = 2.0) -> None:
    """Let pushes travel (through Redis in CI): until `until()` holds, at most `timeout`."""
    for _ in range(int(timeout / 0.02)):
        if until():
            return
        await asyncio.sleep(0.02)


@pytestmark_db
async def test_a_held_up_socket_delays_only_its_own_pushes_and_keeps_their_order(
    channel_layer: Any, probe: ProbeHandler, student: Any, professional: Any
) -> None:
    stuck, stuck_socket = await connect(student)
    fine, fine_socket = await connect(professional)
    try:
        stuck_socket.open.clear()
        for n in range(1, 4):
            await push("probe:direct", "probe.note", {"n": n})
        await settle(lambda: len(fine_socket.notes()) == 3)
        assert fine_socket.notes() == [1, 2, 3]
        assert stuck_socket.notes() == []
        stuck_socket.open.set()
        await settle(lambda: len(stuck_socket.notes()) == 3)
        assert stuck_socket.notes() == [1, 2, 3]
    finally:
        await stuck.shutdown()
        await fine.shutdown()


@pytestmark_db
async def test_a_client_too_far_behind_is_closed_to_resume_later(
    channel_layer: Any,
    probe: ProbeHandler,
    student: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery_module, "MAX_BACKLOG", 3)
    connection, socket = await connect(student)
    try:
        socket.open.clear()
        for n in range(6):
            await push("probe:direct", "probe.note", {"n": n})
        await settle(lambda: socket.closed_with is not None)
        assert socket.closed_with == 1013
    finally:
        socket.open.set()
        await connection.shutdown()


@pytestmark_db
async def test_an_abandoned_connection_leaves_the_hub(
    channel_layer: Any,
    probe: ProbeHandler,
    student: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    discards = count_calls(monkeypatch, channel_layer, "group_discard")
    connection, socket = await connect(student)
    connection.abandon()  # as when the server cancels the consumer's task
    await settle(lambda: len(discards) == 3)
    assert {group for group, _channel in discards} == {
        "t.probe.direct",
        f"t.user.{student.pk}",
        f"gw.user.{student.pk}",  # the user's control group (realtime.sessions)
    }
    await push("probe:direct", "probe.note", {"n": 1})
    await settle(timeout=0.3)
    assert socket.notes() == []


@pytestmark_db
async def test_a_push_reaches_local_members_at_once_and_once_only(
    open_ws: OpenWs,
    channel_layer: Any,
    probe: ProbeHandler,
    monkeypatch: pytest.MonkeyPatch,
    student: Any,
) -> None:
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:local"))["ok"]
    sent = count_calls(monkeypatch, channel_layer, "group_send")
    await push("probe:local", "probe.note", {"n": 1})
    assert (await client.push())["data"] == {"n": 1}
    assert await client.silent(0.5)  # the copy that comes back through the layer is skipped
    assert [group for group, _message in sent] == ["t.probe.local"]  # other processes' copy

    async def unreachable(*args: Any) -> None:
        raise ConnectionError("the layer is down")

    monkeypatch.setattr(channel_layer, "group_send", unreachable)
    with pytest.raises(ConnectionError):
        await push("probe:local", "probe.note", {"n": 2})
    assert (await client.push())["data"] == {"n": 2}  # local members got it all the same
