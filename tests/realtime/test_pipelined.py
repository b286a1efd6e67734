"""Pipelined frames (`@frame(..., pipelined=True)`): the connection reads the next frames while
one waits, and still answers in frame order, with pushes behind the replies."""

import asyncio
from typing import Any

import pytest

from realtime import connection
from realtime.broadcast import push
from tests.realtime.conftest import OpenWs, ProbeHandler, WsClient, error_code, joined_user

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "probe:line"


async def joined_probe(open_ws: OpenWs, user: Any) -> WsClient:
    client = await joined_user(open_ws, user)
    assert (await client.request("join", TOPIC))["ok"]
    return client


async def send_queued(client: WsClient, ref: str, text: str, *, hold: bool = False) -> None:
    frame = {"type": "probe.queued", "topic": TOPIC, "ref": ref}
    await client.send({**frame, "data": {"text": text, "hold": hold}})


async def handled(probe: ProbeHandler, count: int) -> list[tuple[str, str]]:
    """The probe's handled frames, once there are `count` of them (or after 2 s)."""
    for _ in range(200):
        if len(probe.handled) >= count:
            break
        await asyncio.sleep(0.01)
    return probe.handled


async def next_replies(client: WsClient, count: int) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    while len(replies) < count:
        message = await client.recv()
        if message["type"] == "reply":
            replies.append(message)
    return replies


async def test_frames_after_a_waiting_one_are_handled_and_answered_in_order(
    open_ws: OpenWs, student: Any, probe: ProbeHandler
) -> None:
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await send_queued(client, "q2", "second")
    await send_queued(client, "q3", "third")
    # All three were taken in, in order, while the first still waits...
    assert await handled(probe, 3) == [
        ("queued", "first"),
        ("queued", "second"),
        ("queued", "third"),
    ]
    # ...and the second and third, ready first, wait for the first's reply.
    assert await client.silent()
    probe.release()
    replies = await next_replies(client, 3)
    assert [(r["ref"], r["data"]["text"]) for r in replies] == [
        ("q1", "first"),
        ("q2", "second"),
        ("q3", "third"),
    ]


async def test_a_bad_pipelined_frame_gets_its_error_in_its_turn(
    open_ws: OpenWs, student: Any, probe: ProbeHandler
) -> None:
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await client.send({"type": "probe.queued", "topic": TOPIC, "ref": "bad", "data": {}})
    await send_queued(client, "q2", "second")
    assert await handled(probe, 2) == [("queued", "first"), ("queued", "second")]
    probe.release()
    first, bad, second = await next_replies(client, 3)
    assert (first["ref"], bad["ref"], second["ref"]) == ("q1", "bad", "q2")
    assert error_code(bad) == "bad_request"
    assert first["ok"] and second["ok"]


async def test_a_frame_not_pipelined_waits_for_the_replies_before_it(
    open_ws: OpenWs, student: Any, probe: ProbeHandler
) -> None:
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await client.send({"type": "echo", "topic": TOPIC, "ref": "e1", "data": {"text": "after"}})
    await asyncio.sleep(0.2)
    assert probe.handled == [("queued", "first")]  # the echo is not even handled yet
    probe.release()
    replies = await next_replies(client, 2)
    assert [r["ref"] for r in replies] == ["q1", "e1"]
    assert probe.handled == [("queued", "first"), ("echo", "after")]


async def test_pushes_wait_behind_the_replies_then_flow_again(
    open_ws: OpenWs, student: Any, probe: ProbeHandler
) -> None:
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await handled(probe, 1)
    await push(TOPIC, "probe.note", {"n": 1})
    assert await client.silent()  # held behind the reply to q1
    probe.release()
    reply, note = await client.recv(), await client.recv()
    assert (reply["type"], reply["ref"]) == ("reply", "q1")
    assert note == {"type": "probe.note", "topic": TOPIC, "data": {"n": 1}}
    # With no frame waiting, pushes go straight out again.
    await push(TOPIC, "probe.note", {"n": 2})
    assert await client.push() == {"type": "probe.note", "topic": TOPIC, "data": {"n": 2}}


async def test_a_connection_takes_in_a_bounded_number_of_waiting_frames(
    open_ws: OpenWs, student: Any, probe: ProbeHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "MAX_IN_LINE", 2)
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await send_queued(client, "q2", "second", hold=True)
    await send_queued(client, "q3", "third")
    await asyncio.sleep(0.2)
    assert probe.handled == [("queued", "first"), ("queued", "second")]  # the third waits
    probe.release()
    replies = await next_replies(client, 3)
    assert [r["ref"] for r in replies] == ["q1", "q2", "q3"]
    assert probe.handled[2] == ("queued", "third")


async def test_a_refusal_before_any_handler_still_waits_its_turn(
    open_ws: OpenWs, student: Any, probe: ProbeHandler
) -> None:
    """Unreadable frames are refused by the gateway itself, at once, yet their replies follow
    those of the pipelined frames received before them."""
    client = await joined_probe(open_ws, student)
    await send_queued(client, "q1", "first", hold=True)
    await client.send_text("not json")
    await asyncio.sleep(0.2)
    assert await client.silent()
    probe.release()
    first, refusal = await next_replies(client, 2)
    assert first["ref"] == "q1" and first["ok"]
    assert refusal["ref"] is None and error_code(refusal) == "bad_request"
