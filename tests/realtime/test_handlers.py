"""The registry: join authorisation, declared frame types and schemas, errors, clean-up."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from realtime import registry
from realtime.broadcast import push
from realtime.registry import TopicHandler, frame
from realtime.schemas import EmptyData
from tests.realtime.conftest import OpenWs, ProbeHandler, error_code, joined_user

pytestmark = pytest.mark.django_db(transaction=True)


async def test_join_reply_carries_the_handler_data(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    reply = await client.request("join", "probe:1")
    assert reply["ok"] is True
    assert set(reply["data"]) == {"connection_id"}
    await push("probe:1", "probe.event", {"n": 1})
    assert await client.push() == {"type": "probe.event", "topic": "probe:1", "data": {"n": 1}}


async def test_refused_join_leaves_no_membership(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    assert error_code(await client.request("join", "probe:closed")) == "forbidden"
    await push("probe:closed", "probe.event", {"leak": True})
    assert await client.silent()
    assert error_code(await client.request("echo", "probe:closed", {"text": "hi"})) == "forbidden"
    assert probe.leaves == []  # it was never admitted, so there is nothing to clean up


async def test_frame_to_a_topic_not_joined_is_forbidden(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    reply = await client.request("echo", "probe:1", {"text": "hi"})
    assert error_code(reply) == "forbidden"
    assert probe.handled == []


async def test_declared_frame_is_validated_then_handled(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    ok = await client.request("echo", "probe:1", {"text": "ab", "times": 2})
    assert ok == {
        "type": "reply",
        "ref": "r2",
        "ok": True,
        "data": {"text": "abab", "user": student.pk},
    }
    for bad in ({}, {"text": ""}, {"text": "x" * 11}, {"text": "a", "more": 1}, {"text": 3}):
        reply = await client.request("echo", "probe:1", bad)
        assert error_code(reply) == "bad_request", bad
        assert "data" in reply["error"]["message"]
    assert probe.handled == [("echo", "ab")]


async def test_type_not_declared_for_the_kind_is_bad_request(
    open_ws: OpenWs, student, probe
) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    assert error_code(await client.request("message.send", "probe:1")) == "bad_request"
    # A probe frame type means nothing on another kind either.
    reply = await client.request("echo", f"user:{student.pk}", {"text": "hi"})
    assert error_code(reply) == "bad_request"


async def test_handler_gateway_error_is_the_reply(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    reply = await client.request("probe.conflict", "probe:1")
    assert reply["error"] == {"code": "conflict", "message": "Already done."}


async def test_unexpected_exception_is_internal_logged_and_harmless(
    open_ws: OpenWs, student, professional, probe, caplog
) -> None:
    client = await joined_user(open_ws, student)
    bystander = await joined_user(open_ws, professional)
    await client.request("join", "probe:1")
    await bystander.request("join", "probe:1")
    with caplog.at_level(logging.ERROR, logger="realtime"):
        reply = await client.request("probe.crash", "probe:1")
    assert reply["error"]["code"] == "internal"
    assert "exploded" not in reply["error"]["message"]  # no internals on the wire
    assert "probe handler exploded" in caplog.text
    assert "Traceback" in caplog.text
    # The socket still works, and so does everyone else's.
    assert (await client.request("echo", "probe:1", {"text": "ok"}))["ok"] is True
    assert (await bystander.request("echo", "probe:1", {"text": "ok"}))["ok"] is True
    await push("probe:1", "probe.event", {})
    assert (await client.push())["type"] == (await bystander.push())["type"] == "probe.event"


async def test_exception_in_join_is_internal_and_leaves_no_membership(
    open_ws: OpenWs, student, probe
) -> None:
    client = await joined_user(open_ws, student)
    assert error_code(await client.request("join", "probe:boom")) == "internal"
    await push("probe:boom", "probe.event", {})
    assert await client.silent()


async def test_leave_and_disconnect_call_the_handler(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    await client.request("join", "probe:2")
    connection_id = (await client.request("join", "probe:1"))["data"]["connection_id"]
    assert (await client.request("leave", "probe:1"))["ok"] is True
    assert (await client.request("leave", "probe:1"))["ok"] is True  # idempotent
    assert probe.leaves == [(connection_id, "probe:1", "leave")]
    await client.communicator.disconnect()
    assert probe.leaves == [
        (connection_id, "probe:1", "leave"),
        (connection_id, "probe:2", "disconnect"),
    ]


async def test_refused_rejoin_leaves_the_topic(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    probe.refuse_rejoin = True
    assert error_code(await client.request("join", "probe:1")) == "forbidden"
    assert probe.leaves[-1][1:] == ("probe:1", "refused")
    await push("probe:1", "probe.event", {})
    assert await client.silent()


async def test_context_push_and_topic_state(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    connection_id = (await client.request("join", "probe:1"))["data"]["connection_id"]
    await client.send({"type": "probe.self_push", "topic": "probe:1", "ref": "sp"})
    assert await client.recv() == {
        "type": "probe.note",
        "topic": "probe:1",
        "data": {"for": connection_id},
    }
    assert await client.recv() == {"type": "reply", "ref": "sp", "ok": True, "data": {}}
    state = await client.request("probe.state", "probe:1")
    assert state["data"]["state"] == {"pushed": True}
    # Leaving drops the state: a re-join starts clean.
    await client.request("leave", "probe:1")
    await client.request("join", "probe:1")
    assert (await client.request("probe.state", "probe:1"))["data"]["state"] == {}


async def test_topic_limit_per_connection(open_ws: OpenWs, student, probe, settings) -> None:
    settings.WS_MAX_TOPICS = 3  # the user topic and two probes
    client = await joined_user(open_ws, student)
    assert (await client.request("join", "probe:1"))["ok"] is True
    assert (await client.request("join", "probe:2"))["ok"] is True
    assert error_code(await client.request("join", "probe:3")) == "conflict"
    assert (await client.request("join", "probe:2"))["ok"] is True  # a re-join is not new


def test_registry_refuses_reserved_and_malformed_frame_types() -> None:
    class Reserved(TopicHandler):
        kind = "reserved"

        @frame("join", EmptyData)
        async def join_again(self, *args: object) -> None: ...

    class Malformed(TopicHandler):
        kind = "malformed"

        @frame("Send Now", EmptyData)
        async def send(self, *args: object) -> None: ...

    for handler in (Reserved(), Malformed()):
        with pytest.raises(ImproperlyConfigured):
            registry.register(handler)
        assert registry.get_handler(handler.kind) is None


def test_registry_refuses_a_taken_or_bad_kind(probe) -> None:
    class Impostor(TopicHandler):
        kind = "probe"

    class BadKind(TopicHandler):
        kind = "Bad-Kind"

    with pytest.raises(ImproperlyConfigured, match="already handled"):
        registry.register(Impostor())
    with pytest.raises(ImproperlyConfigured):
        registry.register(BadKind())
    assert registry.get_handler("probe") is probe


def test_frames_are_inherited_and_collected() -> None:
    class Base(ProbeHandler):
        pass

    assert {"echo", "probe.crash", "probe.conflict"} <= set(Base.frames)
    assert Base.frames["echo"].method == "echo"


async def test_default_join_refuses(open_ws: OpenWs, student) -> None:
    class Careless(TopicHandler):
        kind = "careless"

    registry.register(Careless())
    try:
        client = await joined_user(open_ws, student)
        assert error_code(await client.request("join", "careless:1")) == "forbidden"
    finally:
        registry.unregister("careless")


def test_user_topic_handler_is_registered() -> None:
    handler = registry.get_handler("user")
    assert handler is not None
    assert type(handler).__module__ == "realtime.users"
