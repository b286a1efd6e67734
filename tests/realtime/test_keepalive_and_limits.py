"""Keep-alive (ping, idle close 4408) and the per-connection rate limit (4429)."""

import asyncio
import time

import pytest

from tests.realtime.conftest import OpenWs, error_code, joined_user

pytestmark = pytest.mark.django_db(transaction=True)


async def test_server_pings_at_the_interval(open_ws: OpenWs, student, settings) -> None:
    settings.WS_PING_INTERVAL_SECONDS = 0.2
    client = await joined_user(open_ws, student)
    started = time.time()
    pings = [await client.recv(1) for _ in range(3)]
    assert all(set(ping) == {"type", "data"} and ping["type"] == "ping" for ping in pings)
    stamps = [ping["data"]["ts"] for ping in pings]
    assert stamps == sorted(stamps)
    assert abs(stamps[0] / 1000 - started) < 1  # unix milliseconds
    assert 0.1 < (stamps[2] - stamps[0]) / 2000 < 0.6


async def test_silent_client_is_closed_4408(open_ws: OpenWs, student, settings) -> None:
    settings.WS_PING_INTERVAL_SECONDS = 0.1
    settings.WS_IDLE_TIMEOUT_SECONDS = 0.4
    client = await joined_user(open_ws, student)
    started = time.monotonic()
    assert await client.closed_with(timeout=2) == 4408
    assert 0.35 < time.monotonic() - started < 1.5


async def test_pongs_keep_the_connection_open(open_ws: OpenWs, student, settings) -> None:
    settings.WS_PING_INTERVAL_SECONDS = 0.1
    settings.WS_IDLE_TIMEOUT_SECONDS = 0.4
    client = await joined_user(open_ws, student)
    deadline = time.monotonic() + 1.2  # three idle timeouts
    while time.monotonic() < deadline:
        ping = await client.recv(1)
        assert ping["type"] == "ping"
        await client.send({"type": "pong"})
    # Any frame counts, even a bad one; then silence closes it.
    await client.send_text("garbage")
    assert error_code(await client.reply_to(None)) == "bad_request"
    assert await client.closed_with(timeout=2) == 4408


async def test_no_frames_are_processed_after_close(open_ws: OpenWs, student, settings) -> None:
    settings.WS_IDLE_TIMEOUT_SECONDS = 0.2
    client = await joined_user(open_ws, student)
    assert await client.closed_with() == 4408
    await client.send({"type": "join", "topic": f"user:{student.pk}", "ref": "late"})
    assert await client.silent()


async def test_rate_limit_replies_then_closes_4429(open_ws: OpenWs, student, settings) -> None:
    settings.WS_RATE_LIMIT_PER_SECOND = 0.01  # no meaningful refill during the test
    settings.WS_RATE_LIMIT_BURST = 3
    settings.WS_RATE_LIMIT_STRIKES = 2
    client = await joined_user(open_ws, student)  # the automatic join costs no token
    for index in range(5):
        await client.send({"type": "join", "topic": f"user:{student.pk}", "ref": f"f{index}"})
    replies = [await client.recv() for _ in range(5)]
    assert [reply["ref"] for reply in replies] == ["f0", "f1", "f2", "f3", "f4"]
    assert [reply["ok"] for reply in replies[:3]] == [True, True, True]
    assert [error_code(reply) for reply in replies[3:]] == ["rate_limited", "rate_limited"]
    assert await client.closed_with() == 4429


async def test_rate_limited_frame_is_not_processed(
    open_ws: OpenWs, student, settings, probe
) -> None:
    settings.WS_RATE_LIMIT_PER_SECOND = 0.01
    settings.WS_RATE_LIMIT_BURST = 2
    settings.WS_RATE_LIMIT_STRIKES = 5
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:1"))["ok"] is True
    assert (await client.request("echo", "probe:1", {"text": "one"}))["ok"] is True
    refused = await client.request("echo", "probe:1", {"text": "two"})
    assert error_code(refused) == "rate_limited"
    await client.send({"type": "pong"})  # over the limit too, and still never answered
    await client.send_text("not json")
    assert error_code(await client.reply_to(None)) == "rate_limited"
    assert probe.handled == [("echo", "one")]


async def test_rate_refills(open_ws: OpenWs, student, settings) -> None:
    settings.WS_RATE_LIMIT_PER_SECOND = 20
    settings.WS_RATE_LIMIT_BURST = 2
    settings.WS_RATE_LIMIT_STRIKES = 10
    client = await joined_user(open_ws, student)
    topic = f"user:{student.pk}"
    assert [(await client.request("join", topic))["ok"] for _ in range(3)] == [True, True, False]
    await asyncio.sleep(0.15)
    assert (await client.request("join", topic))["ok"] is True
