"""No `internal` from input on the WebSocket: deep `data`, NUL and lone surrogates in any string
of a frame answer `bad_request` (with the frame's ref when it is readable) on every database,
change nothing, and leave the socket open. And the seeded fuzz of bench/ws_fuzz.py, bounded."""

import json
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from bench.ws_fuzz import SERVER_ENV, FuzzReport, fuzz_against
from chat.models import Message
from core.parsers import bad_text_message, too_deep_message
from rooms.models import Question
from rooms.peercache import peer_cache_forget_all
from tests.chat.conftest import empty_conversation
from tests.conftest import start_daphne, stop_daphne
from tests.realtime.conftest import OpenWs, WsClient, error_code, joined_user
from tests.rooms.conftest import in_room, make_room

pytestmark = pytest.mark.django_db(transaction=True)


def nested_text(depth: int) -> str:
    """A JSON object `depth` levels deep, built as text (json.dumps would recurse)."""
    return '{"a":' * (depth - 1) + '{"a":1}' + "}" * (depth - 1)


async def send_raw(client: WsClient, ref: str, topic: str, data_text: str) -> dict[str, Any]:
    await client.send_text(
        f'{{"type": "join", "topic": "{topic}", "ref": "{ref}", "data": {data_text}}}'
    )
    return await client.reply_to(ref)


async def assert_still_usable(client: WsClient, user: Any) -> None:
    assert (await client.request("join", f"user:{user.pk}"))["ok"] is True


@pytest.mark.parametrize("depth", [40, 255, 256, 300, 900])
async def test_deep_data_is_a_bad_request_with_the_ref(
    open_ws: OpenWs, student: Any, depth: int
) -> None:
    client = await joined_user(open_ws, student)
    reply = await send_raw(client, "deep", f"user:{student.pk}", nested_text(depth))
    assert error_code(reply) == "bad_request"
    assert reply["error"]["message"] == f"data: {too_deep_message()}"
    await assert_still_usable(client, student)


@pytest.mark.parametrize(
    "data_text",
    ['{"last_seq": 1, "x": "\\u0000"}', '{"\\ud800": 1}', '{"a": ["ok", {"b": "\\udc00"}]}'],
    ids=["nul", "surrogate-key", "nested-surrogate"],
)
async def test_a_bad_string_anywhere_in_data_is_a_bad_request(
    open_ws: OpenWs, student: Any, data_text: str
) -> None:
    client = await joined_user(open_ws, student)
    reply = await send_raw(client, "bad", f"user:{student.pk}", data_text)
    assert error_code(reply) == "bad_request"
    assert reply["error"]["message"] == f"data: {bad_text_message()}"
    await assert_still_usable(client, student)


@pytest.mark.parametrize("ref", ["a\\u0000b", "\\ud800"], ids=["nul", "surrogate"])
async def test_a_bad_ref_is_answered_with_a_null_ref(
    open_ws: OpenWs, student: Any, ref: str
) -> None:
    client = await joined_user(open_ws, student)
    await client.send_text(f'{{"type": "join", "topic": "user:{student.pk}", "ref": "{ref}"}}')
    assert error_code(await client.reply_to(None)) == "bad_request"
    await assert_still_usable(client, student)


async def test_nul_in_a_chat_message_is_a_bad_request_and_stores_nothing(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    conversation = await sync_to_async(empty_conversation)(student, professional)
    client = await joined_user(open_ws, student)
    assert (await client.request("join", conversation.topic))["ok"]
    await client.send_text(
        json.dumps(
            {
                "type": "message.send",
                "topic": conversation.topic,
                "ref": "m1",
                "data": {"body": "hello\u0000there", "client_id": "nul-1"},
            }
        )
    )
    assert error_code(await client.reply_to("m1")) == "bad_request"
    # A valid surrogate pair (an emoji, escaped) is text like any other.
    sent = await client.request(
        "message.send", conversation.topic, {"body": "hello 😀", "client_id": "ok-1"}
    )
    assert sent["ok"] and sent["data"]["body"] == "hello 😀", sent
    bodies = await sync_to_async(
        lambda: list(
            Message.objects.filter(conversation=conversation).values_list("body", flat=True)
        )
    )()
    assert bodies == ["hello 😀"]


async def test_nul_in_a_question_or_a_signal_is_a_bad_request(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    peer_cache_forget_all()
    room = await sync_to_async(make_room)(professional)
    _host, hosted = await in_room(open_ws, professional, room)
    guest, _ = await in_room(open_ws, student, room)
    asked = await guest.request("question.ask", room.topic, {"body": "Why\u0000?"})
    assert error_code(asked) == "bad_request"
    signal = {"to": hosted["peer_id"], "kind": "candidate", "candidate": {"candidate": "a\u0000"}}
    assert error_code(await guest.request("signal", room.topic, signal)) == "bad_request"
    assert not await sync_to_async(Question.objects.filter(room=room).exists)()
    assert (await guest.request("question.ask", room.topic, {"body": "Why?"}))["ok"]


# --- the seeded fuzz, bounded -------------------------------------------------------------------


def test_two_thousand_fuzzed_frames_get_one_structured_reply_each(tmp_path: Path) -> None:
    """bench/ws_fuzz.py against a live daphne on the test database: every frame one reply,
    none `internal`, none missing or duplicated, and the server logged no error."""
    live = start_daphne(tmp_path, SERVER_ENV)  # the rate limits raised, as the bench does
    try:
        report: FuzzReport = fuzz_against(live.ws_url, frames=2_000, seed=7, connections=8)
    finally:
        stop_daphne(live)
    assert report.problems == [], report.problems[:10]
    assert report.sent == 2_000 and report.replied == report.expected_replies
    assert report.codes.get("internal", 0) == 0
    # Every kind of frame was tried, and valid ones went through.
    assert report.ok > 100 and report.codes.get("bad_request", 0) > 100
    assert "Traceback" not in live.output()
