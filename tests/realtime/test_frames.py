"""The envelope: bad frames get one bad_request reply, change nothing, and the socket lives on."""

import json
from typing import Any

import pytest

from tests.realtime.conftest import OpenWs, WsClient, error_code, joined_user

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_still_usable(client: WsClient, user: Any) -> None:
    reply = await client.request("join", f"user:{user.pk}")
    assert reply["ok"] is True, reply


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{",
        '"a string"',
        "[1, 2]",
        "42",
        "null",
        '{"type": "join", "topic": "user:1", "ref": "x", "data": NaN}',
        "[" * 30_000 + "]" * 30_000,
    ],
    ids=["words", "truncated", "string", "array", "number", "null", "nan", "deep"],
)
async def test_unreadable_frame_gets_bad_request_with_null_ref(
    open_ws: OpenWs, student, text: str
) -> None:
    client = await joined_user(open_ws, student)
    await client.send_text(text)
    reply = await client.reply_to(None)
    assert error_code(reply) == "bad_request"
    await assert_still_usable(client, student)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"extra": 1}, "extra"),
        ({"type": 5}, "type"),
        ({"type": "Join"}, "type"),
        ({"topic": 7}, "topic"),
        ({"topic": "user"}, "topic"),
        ({"topic": "user:1:2"}, "topic"),
        ({"topic": "USER:1"}, "topic"),
        ({"topic": "user:" + "1" * 61}, "topic"),
        ({"data": []}, "data"),
        ({"data": "x"}, "data"),
        ({"data": {"unexpected": True}}, "data.unexpected"),
    ],
)
async def test_schema_violation_gets_bad_request_with_the_ref(
    open_ws: OpenWs, student, change: dict[str, Any], where: str
) -> None:
    client = await joined_user(open_ws, student)
    frame = {"type": "join", "topic": f"user:{student.pk}", "ref": "bad1", **change}
    await client.send(frame)
    reply = await client.reply_to("bad1")
    assert error_code(reply) == "bad_request"
    assert where in reply["error"]["message"]
    await assert_still_usable(client, student)


@pytest.mark.parametrize(
    "ref", [None, 17, "", "r" * 65, ["r"]], ids=["missing", "int", "empty", "long", "list"]
)
async def test_a_frame_without_a_usable_ref_is_answered_with_null_ref(
    open_ws: OpenWs, student, ref: Any
) -> None:
    client = await joined_user(open_ws, student)
    frame: dict[str, Any] = {"type": "join", "topic": f"user:{student.pk}"}
    if ref is not None:
        frame["ref"] = ref
    await client.send(frame)
    reply = await client.reply_to(None)
    assert error_code(reply) == "bad_request"
    assert "ref" in reply["error"]["message"]
    await assert_still_usable(client, student)


async def test_ref_of_64_characters_is_echoed(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    ref = "é" * 64
    await client.send({"type": "join", "topic": f"user:{student.pk}", "ref": ref})
    assert (await client.reply_to(ref))["ok"] is True


@pytest.mark.parametrize("frame_type", ["bogus", "reply", "ping", "joined", "message.send"])
async def test_unknown_type_is_bad_request(open_ws: OpenWs, student, frame_type: str) -> None:
    client = await joined_user(open_ws, student)
    reply = await client.request(frame_type, f"user:{student.pk}")
    assert error_code(reply) == "bad_request"
    assert frame_type in reply["error"]["message"]


async def test_unknown_topic_kind_is_not_found(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    for frame_type in ("join", "leave", "message.send"):
        reply = await client.request(frame_type, "nosuchkind:1")
        assert error_code(reply) == "not_found", reply


@pytest.mark.parametrize("other", ["other_user", "missing", "not_a_number"])
async def test_joining_someone_elses_user_topic_is_forbidden(
    open_ws: OpenWs, student, professional, other: str
) -> None:
    client = await joined_user(open_ws, student)
    topic_id = {"other_user": professional.pk, "missing": 999_999, "not_a_number": "me"}[other]
    reply = await client.request("join", f"user:{topic_id}")
    assert error_code(reply) == "forbidden"
    # And nothing changed: pushes to that topic do not reach this socket.
    from realtime.broadcast import push

    await push(f"user:{topic_id}", "notification.new", {"secret": True})
    assert await client.silent()


async def test_join_data_is_validated_by_the_topic_schema(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    topic = f"user:{student.pk}"
    # The browser client adds last_seq to every rejoin; the user topic accepts and ignores it.
    assert (await client.request("join", topic, {"last_seq": 3}))["ok"] is True
    for bad in ({"last_seq": "3"}, {"since": 3}):
        reply = await client.request("join", topic, bad)
        assert error_code(reply) == "bad_request"
        assert "data." in reply["error"]["message"]


async def test_binary_frame_is_bad_request(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    await client.communicator.send_to(bytes_data=b'{"type": "pong"}')
    assert error_code(await client.reply_to(None)) == "bad_request"
    await assert_still_usable(client, student)


async def test_lone_surrogate_escape_is_bad_request(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    text = '{"type": "join", "topic": "user:%s", "ref": "s1", "data": {"x": "\\ud800"}}'
    await client.send_text(text % student.pk)
    assert error_code(await client.reply_to("s1")) == "bad_request"
    # A valid surrogate pair (an emoji) is fine JSON: only the schema complains here.
    await client.send_text(text.replace("\\ud800", "\\ud83d\\ude00") % student.pk)
    reply = await client.reply_to("s1")
    assert "unexpected" not in reply["error"]["message"]
    assert "data.x" in reply["error"]["message"]


def _padded_frame(user: Any, size: int, filler: str = "a") -> str:
    base = json.dumps({"type": "join", "topic": f"user:{user.pk}", "ref": "big", "pad": ""})
    room = size - len(base.encode())
    padding = filler * (room // len(filler.encode()))
    text = base.replace('"pad": ""', f'"pad": "{padding}"')
    return text


async def test_frame_of_exactly_64_kib_is_processed(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    text = _padded_frame(student, 64 * 1024)
    assert len(text.encode()) == 64 * 1024
    await client.send_text(text)
    assert error_code(await client.reply_to("big")) == "bad_request"  # the unknown "pad"


async def test_frame_over_64_kib_closes_1009(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    await client.send_text(_padded_frame(student, 64 * 1024 + 1))
    assert await client.closed_with() == 1009


async def test_size_is_counted_in_utf8_bytes(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    text = _padded_frame(student, 40_000 * 2, filler="é")  # 40k characters, 80 kB
    assert len(text) < 64 * 1024 < len(text.encode())
    await client.send_text(text)
    assert await client.closed_with() == 1009


async def test_pong_gets_no_reply_but_a_bad_pong_does(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    await client.send({"type": "pong"})
    await client.send({"type": "pong", "data": {"ts": 1}})
    assert await client.silent()
    await client.send({"type": "pong", "ref": "p1"})
    assert error_code(await client.reply_to("p1")) == "bad_request"
    await client.send({"type": "pong", "topic": f"user:{student.pk}"})
    assert error_code(await client.reply_to(None)) == "bad_request"


async def test_exactly_one_reply_per_ref(open_ws: OpenWs, student, professional) -> None:
    client = await joined_user(open_ws, student)
    frames: list[dict[str, Any]] = [
        {"type": "join", "topic": f"user:{student.pk}", "ref": "a"},
        {"type": "join", "topic": f"user:{professional.pk}", "ref": "b"},
        {"type": "leave", "topic": "nosuch:1", "ref": "c"},
        {"type": "bogus", "topic": f"user:{student.pk}", "ref": "d"},
        {"type": "join", "topic": f"user:{student.pk}", "ref": "e", "x": 1},
        {"type": "pong"},
        {"type": "leave", "topic": f"user:{student.pk}", "ref": "f"},
        {"type": "leave", "topic": f"user:{student.pk}", "ref": "g"},
        {"type": "join", "topic": f"user:{student.pk}", "ref": "h"},
    ]
    for frame in frames:
        await client.send(frame)
    replies = [await client.recv() for _ in range(8)]
    assert await client.silent()
    assert [reply["ref"] for reply in replies] == list("abcdefgh")
    assert [reply["ok"] for reply in replies] == [
        True,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


async def test_leave_then_rejoin_own_user_topic(open_ws: OpenWs, student) -> None:
    from realtime.broadcast import push

    client = await joined_user(open_ws, student)
    assert (await client.request("leave", f"user:{student.pk}"))["ok"] is True
    await push(f"user:{student.pk}", "notification.new", {"n": 1})
    assert await client.silent()
    assert (await client.request("join", f"user:{student.pk}"))["ok"] is True
    await push(f"user:{student.pk}", "notification.new", {"n": 2})
    assert (await client.push())["data"] == {"n": 2}


async def test_leave_takes_no_data(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    reply = await client.request("leave", f"user:{student.pk}", {"now": True})
    assert error_code(reply) == "bad_request"
