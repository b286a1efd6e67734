"""Moderators join the `dm:` topic of a reported conversation, read-only."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat.models import Message
from safeguarding.models import Report
from tests.chat.conftest import open_conversation
from tests.chat.test_protocol import next_of, send
from tests.realtime.conftest import OpenWs, error_code, joined_user

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_grace(settings: Any) -> None:
    settings.CHAT_PRESENCE_GRACE_SECONDS = 0


async def test_moderator_reads_a_reported_conversation_and_cannot_write(
    open_ws: OpenWs, make_user: Any, student: Any, professional: Any
) -> None:
    moderator = await sync_to_async(make_user)(role="moderator")
    conversation = await sync_to_async(open_conversation)(student, professional)
    mod = await joined_user(open_ws, moderator)
    # No report yet: the conversation is private.
    assert error_code(await mod.request("join", conversation.topic)) == "not_found"

    await sync_to_async(Report.objects.create)(
        reporter=student, target_kind="conversation", target_id=conversation.pk, reason="safety"
    )
    joined = await mod.request("join", conversation.topic, {"last_seq": 0})
    assert joined["ok"] and joined["data"]["read_only"] is True
    assert [m["seq"] for m in joined["data"]["history"]] == [1]

    frames: list[tuple[str, dict[str, Any]]] = [
        ("message.send", {"body": "hi", "client_id": "m1"}),
        ("typing", {"typing": True}),
        ("read", {"seq": 1}),
        ("message.delete", {"id": joined["data"]["history"][0]["id"]}),
    ]
    for frame, data in frames:
        assert error_code(await mod.request(frame, conversation.topic, data)) == "forbidden"
    assert await sync_to_async(Message.objects.count)() == 1

    # The members' messages reach the moderator live.
    alice = await joined_user(open_ws, student)
    await alice.request("join", conversation.topic)
    await send(alice, conversation.topic, "still here")
    assert (await next_of(mod, "message.new"))["data"]["body"] == "still here"

    # Members are not read-only; other users are still refused.
    assert (await alice.request("join", conversation.topic))["data"]["read_only"] is False
    other = await joined_user(open_ws, await sync_to_async(make_user)(role="student"))
    assert error_code(await other.request("join", conversation.topic)) == "not_found"
