"""Hypothesis-generated frames never crash the chat handler nor disturb another client."""

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.models import Message
from config.asgi import application
from realtime.tickets import ticket_issue
from tests.chat.conftest import empty_conversation

pytestmark = pytest.mark.django_db(transaction=True)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
chat_types = st.sampled_from(
    ["message.send", "message.edit", "message.delete", "read", "typing", "join", "leave"]
)
field_names = st.sampled_from(["body", "client_id", "id", "seq", "typing", "last_seq", "x"])
data_values = st.one_of(
    json_values,
    st.text(min_size=0, max_size=5000),
    st.integers(min_value=-5, max_value=10**12),
)


@st.composite
def frames(draw: Any, topic: str) -> str:
    """A frame as text: mostly well-formed envelopes with odd `data`, sometimes garbage."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        text: str = draw(st.text(min_size=1, max_size=200))
        return text
    if kind == 1:
        return json.dumps(draw(json_values))
    frame: dict[str, Any] = {
        "type": draw(st.one_of(chat_types, st.text(max_size=12))),
        "topic": draw(st.one_of(st.just(topic), st.sampled_from(["dm:0", "dm:x", "room:1"]))),
        "ref": draw(st.text(min_size=1, max_size=10)),
    }
    if draw(st.booleans()):
        frame["data"] = draw(st.dictionaries(field_names, data_values, max_size=4))
    if draw(st.integers(0, 9)) == 0:
        frame[draw(st.text(max_size=5))] = draw(json_values)
    return json.dumps(frame, ensure_ascii=draw(st.booleans()))


async def _connect(user: Any) -> WebsocketCommunicator:
    ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
    communicator = WebsocketCommunicator(application, f"/ws/?ticket={ticket}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert json.loads(await communicator.receive_from(5))["type"] == "joined"
    return communicator


async def _reply(communicator: WebsocketCommunicator) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await communicator.receive_from(5))
        if message["type"] == "reply":
            return message


@override_settings(CHAT_MESSAGES_PER_MINUTE=1_000_000)
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_frames_never_break_the_chat(data: Any, student: Any, professional: Any) -> None:
    conversation = empty_conversation(student, professional)
    topic = conversation.topic
    batch = data.draw(st.lists(frames(topic), min_size=1, max_size=12))

    async def scenario() -> None:
        fuzzer = await _connect(student)
        bystander = await _connect(professional)
        try:
            for communicator in (fuzzer, bystander):
                join = {"type": "join", "topic": topic, "ref": "j"}
                await communicator.send_to(text_data=json.dumps(join))
                assert (await _reply(communicator))["ok"]
            for text in batch:
                await fuzzer.send_to(text_data=text)
                reply = await _reply(fuzzer)  # exactly one reply per frame, never a crash
                assert reply.get("ok") or reply["error"]["code"] != "internal", (text, reply)
            # Still open, still chatting (after a join, in case a frame left the topic), and the
            # bystander hears only well-formed pushes.
            await fuzzer.send_to(
                text_data=json.dumps({"type": "join", "topic": topic, "ref": "j2"})
            )
            assert (await _reply(fuzzer))["ok"]
            send = {
                "type": "message.send",
                "topic": topic,
                "ref": "final",
                "data": {"body": "still fine", "client_id": "final-check"},
            }
            await fuzzer.send_to(text_data=json.dumps(send))
            final = await _reply(fuzzer)
            assert final["ok"], final
            while True:
                push = json.loads(await bystander.receive_from(5))
                assert push["type"] != "reply"
                if push["type"] == "message.new" and push["data"]["client_id"] == "final-check":
                    break
                assert push["topic"] == topic and isinstance(push["data"], dict)
            seqs = list(
                await sync_to_async(
                    lambda: list(
                        Message.objects.filter(conversation=conversation)
                        .order_by("seq")
                        .values_list("seq", flat=True)
                    )
                )()
            )
            assert seqs == list(range(1, len(seqs) + 1))
        finally:
            await fuzzer.disconnect()
            await bystander.disconnect()
            await sync_to_async(connections.close_all)()

    async_to_sync(scenario)()
