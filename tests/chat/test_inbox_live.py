"""The live inbox: `conversation.activity` and `conversation.read` on the users' own topics."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat import services
from chat.models import Conversation, Membership
from tests.chat.conftest import empty_conversation
from tests.chat.test_protocol import next_of, send
from tests.realtime.conftest import OpenWs, joined_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("unlimited_chat"),
]


@pytest.fixture(autouse=True)
def no_grace(settings: Any) -> None:
    settings.CHAT_PRESENCE_GRACE_SECONDS = 0


async def test_members_inboxes_hear_of_every_message_and_read(
    open_ws: OpenWs, api_client: Any, student: Any, professional: Any
) -> None:
    dm = await sync_to_async(empty_conversation)(student, professional)
    bob_inbox = await joined_user(open_ws, professional)  # on the inbox page: no dm joined
    alice = await joined_user(open_ws, student)
    await next_of(bob_inbox, "online")
    assert (await alice.request("join", dm.topic))["ok"]

    stored = (await send(alice, dm.topic, "x" * 200))["data"]
    activity = await next_of(bob_inbox, "conversation.activity")
    assert activity == {
        "type": "conversation.activity",
        "topic": f"user:{professional.pk}",
        "data": {
            "id": dm.pk,
            "topic": dm.topic,
            "last_seq": 1,
            "last_message": "x" * 140,
            "last_message_at": stored["created_at"],
            "author_id": student.pk,
        },
    }
    own = await next_of(alice, "conversation.activity")  # the sender's other tabs
    assert own["topic"] == f"user:{student.pk}" and own["data"]["author_id"] == student.pk

    await sync_to_async(api_client.force_authenticate)(professional)
    unread = await sync_to_async(api_client.get)("/api/conversations/unread/")
    assert unread.json() == {"results": [{"id": dm.pk, "last_seq": 1, "last_read_seq": 0}]}

    # Bob reads in another tab: his inbox tab hears of it, Alice's user topic does not.
    bob_page = await joined_user(open_ws, professional)
    await bob_page.request("join", dm.topic)
    assert (await bob_page.request("read", dm.topic, {"seq": 1}))["ok"]
    read = await next_of(bob_inbox, "conversation.read")
    assert read["data"] == {"id": dm.pk, "last_read_seq": 1}
    unread = await sync_to_async(api_client.get)("/api/conversations/unread/")
    assert unread.json() == {"results": []}
    assert (await next_of(alice, "read"))["topic"] == dm.topic
    assert await alice.silent()


async def test_room_conversations_do_not_announce(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    def make_room_chat() -> Any:
        room = Conversation.objects.create(kind="room", topic="room:999999")
        Membership.objects.bulk_create(
            [Membership(conversation=room, user=u) for u in (student, professional)]
        )
        return room

    room = await sync_to_async(make_room_chat)()
    bob = await joined_user(open_ws, professional)
    await sync_to_async(services.message_send)(
        author=student, conversation=room, body="hi all", client_id="r1"
    )
    assert await bob.silent(0.5)
