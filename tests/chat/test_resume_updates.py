"""Edits and deletes reach a client that was offline: `join` with `last_revision`."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import selectors, services
from chat.models import Conversation
from tests.chat.conftest import empty_conversation
from tests.chat.test_protocol import next_of, send
from tests.realtime.conftest import OpenWs, error_code, joined_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("unlimited_chat"),
]


@pytest.fixture
async def dm(student: Any, professional: Any) -> Any:
    return await sync_to_async(empty_conversation)(student, professional)


async def test_offline_client_gets_missed_edit_and_delete_once(
    open_ws: OpenWs, student: Any, professional: Any, dm: Any
) -> None:
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    await alice.request("join", dm.topic)
    first = await bob.request("join", dm.topic, {"last_seq": 0})
    assert first["data"]["revision"] == 0 and "updates" not in first["data"]
    sent = [(await send(alice, dm.topic, f"message {n}"))["data"] for n in (1, 2, 3)]
    for _ in sent:
        await next_of(bob, "message.new")
    # Bob sees one live edit, so the revision he resumes from is not 0.
    await alice.request("message.edit", dm.topic, {"id": sent[2]["id"], "body": "three"})
    seen = await next_of(bob, "message.updated")
    assert seen["data"]["revision"] == 1
    await bob.communicator.disconnect()

    # While Bob is away: message 1 edited twice, message 2 deleted, message 4 sent and edited.
    edits = [
        await alice.request("message.edit", dm.topic, {"id": sent[0]["id"], "body": body})
        for body in ("one", "one!")
    ]
    assert [e["data"]["revision"] for e in edits] == [2, 3]
    deleted = await alice.request("message.delete", dm.topic, {"id": sent[1]["id"]})
    assert deleted["data"]["revision"] == 4 and deleted["data"]["deleted"] is True
    fourth = (await send(alice, dm.topic, "message 4"))["data"]
    await alice.request("message.edit", dm.topic, {"id": fourth["id"], "body": "four"})

    bob = await joined_user(open_ws, professional)
    again = await bob.request("join", dm.topic, {"last_seq": 3, "last_revision": 1})
    data = again["data"]
    assert data["revision"] == 5
    assert [(u["seq"], u["body"], u["deleted"], u["revision"]) for u in data["updates"]] == [
        (1, "one!", False, 3),
        (2, "", True, 4),
    ]
    assert data["updates_more"] is False
    # The message sent after last_seq comes once, in the history, already edited.
    assert [(m["seq"], m["body"]) for m in data["history"]] == [(4, "four")]
    assert await bob.silent()

    # Up to date: nothing again.
    current = await bob.request("join", dm.topic, {"last_seq": 4, "last_revision": 5})
    assert current["data"]["updates"] == [] and current["data"]["history"] == []


async def test_updates_only_with_last_seq_and_valid_revision(
    open_ws: OpenWs, student: Any, dm: Any
) -> None:
    alice = await joined_user(open_ws, student)
    for data in ({"last_revision": -1}, {"last_seq": 0, "last_revision": "2"}):
        assert error_code(await alice.request("join", dm.topic, data)) == "bad_request"
    # Without last_seq the history is the latest page in its current state: no updates.
    plain = await alice.request("join", dm.topic, {"last_revision": 0})
    assert plain["ok"] and "updates" not in plain["data"]


def test_updates_page_in_revision_order(student: Any, professional: Any) -> None:
    dm = empty_conversation(student, professional)
    messages = [
        services.message_send(author=student, conversation=dm, body=str(n), client_id=str(n))
        for n in range(4)
    ]
    for result in reversed(messages):
        services.message_edit(
            author=student, conversation=dm, message_id=result.message.pk, body="edited"
        )
    dm = Conversation.objects.get(pk=dm.pk)
    assert dm.revision == 4
    page = selectors.message_updates(conversation=dm, up_to_seq=4, after_revision=0, limit=3)
    assert [m["seq"] for m in page.messages] == [4, 3, 2] and page.more is True
    rest = selectors.message_updates(
        conversation=dm, up_to_seq=4, after_revision=page.messages[-1]["revision"], limit=3
    )
    assert [m["seq"] for m in rest.messages] == [1] and rest.more is False
    # A refused edit allocates no revision.
    with pytest.raises(services.ChatError):
        services.message_edit(
            author=professional, conversation=dm, message_id=messages[0].message.pk, body="x"
        )
    assert Conversation.objects.get(pk=dm.pk).revision == 4
