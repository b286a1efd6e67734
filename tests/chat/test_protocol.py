"""The `dm:` topic over the gateway, with WebsocketCommunicator on the real ASGI app."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from chat import services
from chat.models import Membership, Message
from realtime.hub import Hub
from tests.chat.conftest import empty_conversation, open_conversation
from tests.realtime.conftest import OpenWs, WsClient, error_code, joined_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("unlimited_chat"),
]

MESSAGE_KEYS = {
    "id",
    "seq",
    "topic",
    "author",
    "body",
    "client_id",
    "created_at",
    "edited_at",
    "deleted",
}


async def next_of(client: WsClient, event: str, timeout: float = 3) -> dict[str, Any]:
    """The next push of type `event`, skipping other pushes."""
    while True:
        message = await client.push(timeout)
        if message["type"] == event:
            return message


async def quiet_on(client: WsClient, topic: str, timeout: float = 0.3) -> bool:
    """Nothing more arrives on `topic` (pushes on the user's own topic, e.g. inbox activity,
    are read and ignored)."""
    # receive_nothing, not a timed recv: a recv that times out cancels the application.
    while not await client.communicator.receive_nothing(timeout):
        if (await client.recv()).get("topic") == topic:
            return False
    return True


async def send(client: WsClient, topic: str, body: str, client_id: str | None = None) -> Any:
    return await client.request(
        "message.send", topic, {"body": body, "client_id": client_id or uuid.uuid4().hex}
    )


@pytest.fixture
async def dm(student: Any, professional: Any) -> Any:
    return await sync_to_async(empty_conversation)(student, professional)


async def test_join_send_and_push(open_ws: OpenWs, student: Any, professional: Any, dm) -> None:
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    joined = await alice.request("join", dm.topic)
    assert joined["ok"], joined
    assert joined["data"]["history"] == [] and joined["data"]["more"] is False
    assert {m["id"] for m in joined["data"]["members"]} == {student.pk, professional.pk}
    assert joined["data"]["members_more"] is False
    assert (await bob.request("join", dm.topic, {"last_seq": 0}))["ok"]

    reply = await send(alice, dm.topic, "  Hello <script>  ", "cid-1")
    assert reply["ok"], reply
    stored = reply["data"]
    assert set(stored) == MESSAGE_KEYS
    assert stored["seq"] == 1 and stored["body"] == "Hello <script>"
    assert stored["author"] == {"id": student.pk, "name": student.display_name, "role": "student"}
    assert stored["topic"] == dm.topic and stored["client_id"] == "cid-1"
    assert stored["created_at"].endswith("Z")

    pushed = await next_of(bob, "message.new")
    assert pushed == {"type": "message.new", "topic": dm.topic, "data": stored}
    assert (await next_of(alice, "message.new"))["data"] == stored  # the sender's other tabs

    # Idempotent resend: the stored message again, nothing new stored or pushed.
    again = await send(alice, dm.topic, "Hello <script>", "cid-1")
    assert again["data"] == stored
    assert await quiet_on(bob, dm.topic)
    assert await sync_to_async(Message.objects.filter(conversation=dm).count)() == 1


async def test_outsiders_and_unknown_topics(open_ws: OpenWs, make_user: Any, dm) -> None:
    stranger = await sync_to_async(make_user)()
    client = await joined_user(open_ws, stranger)
    for topic in (dm.topic, "dm:987654", "dm:abc"):  # alike: ids cannot be probed
        assert error_code(await client.request("join", topic)) == "not_found"
    assert error_code(await send(client, dm.topic, "hi")) == "forbidden"  # not joined
    assert await sync_to_async(Message.objects.count)() == 0


BAD_FRAMES: list[tuple[str, dict[str, Any], str]] = [
    ("message.send", {"body": "", "client_id": "a"}, "bad_request"),
    ("message.send", {"body": "   \n ", "client_id": "a"}, "bad_request"),
    ("message.send", {"body": "x" * 4001, "client_id": "a"}, "too_large"),
    ("message.send", {"body": "x" * 9000, "client_id": "a"}, "bad_request"),
    ("message.send", {"body": "hi"}, "bad_request"),
    ("message.send", {"body": "hi", "client_id": ""}, "bad_request"),
    ("message.send", {"body": "hi", "client_id": "x" * 65}, "bad_request"),
    ("message.send", {"body": 3, "client_id": "a"}, "bad_request"),
    ("message.send", {"body": "hi", "client_id": "a", "html": True}, "bad_request"),
    ("message.edit", {"id": 987654, "body": "x"}, "not_found"),
    ("message.edit", {"id": "1", "body": "x"}, "bad_request"),
    ("message.delete", {"id": 0}, "bad_request"),
    ("read", {"seq": -1}, "bad_request"),
    ("typing", {"typing": "yes"}, "bad_request"),
    ("message.shout", {}, "bad_request"),
]


@pytest.mark.parametrize(("frame_type", "data", "code"), BAD_FRAMES)
async def test_bad_input_is_refused_and_changes_nothing(
    open_ws: OpenWs, student: Any, professional: Any, dm, frame_type: str, data: Any, code: str
) -> None:
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic)
    assert error_code(await alice.request(frame_type, dm.topic, data)) == code
    assert await bob.silent(0.2)
    # Still open and working.
    assert (await send(alice, dm.topic, "still here"))["data"]["seq"] == 1
    assert await sync_to_async(Message.objects.count)() == 1


async def test_bad_join_data(open_ws: OpenWs, student: Any, dm) -> None:
    alice = await joined_user(open_ws, student)
    for data in ({"last_seq": -1}, {"last_seq": "3"}, {"since": 1}):
        assert error_code(await alice.request("join", dm.topic, data)) == "bad_request"


async def test_edit_and_delete_within_15_minutes(
    open_ws: OpenWs, student: Any, professional: Any, dm
) -> None:
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic)
    sent = (await send(alice, dm.topic, "tpyo"))["data"]
    await next_of(bob, "message.new")

    assert (
        error_code(await bob.request("message.edit", dm.topic, {"id": sent["id"], "body": "x"}))
        == "forbidden"
    )
    edited = await alice.request("message.edit", dm.topic, {"id": sent["id"], "body": "typo"})
    assert edited["data"]["body"] == "typo" and edited["data"]["edited_at"]
    update = await next_of(bob, "message.updated")
    assert update["data"]["body"] == "typo" and update["data"]["seq"] == sent["seq"]

    deleted = await alice.request("message.delete", dm.topic, {"id": sent["id"]})
    assert deleted["data"]["deleted"] is True and deleted["data"]["body"] == ""
    gone = await next_of(bob, "message.deleted")
    assert gone["data"]["id"] == sent["id"] and gone["data"]["body"] == ""
    row = await sync_to_async(Message.objects.get)(pk=sent["id"])
    assert row.body == "typo" and row.deleted_at is not None

    old = (await send(alice, dm.topic, "old news"))["data"]
    await sync_to_async(Message.objects.filter(pk=old["id"]).update)(
        created_at=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    late = await alice.request("message.edit", dm.topic, {"id": old["id"], "body": "new"})
    assert error_code(late) == "forbidden"
    assert (
        error_code(await alice.request("message.delete", dm.topic, {"id": old["id"]}))
        == "forbidden"
    )
    assert (await sync_to_async(Message.objects.get)(pk=old["id"])).body == "old news"


async def test_typing_and_read(open_ws: OpenWs, student: Any, professional: Any, dm) -> None:
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic)
    assert (await alice.request("typing", dm.topic, {"typing": True}))["ok"]
    typing = await next_of(bob, "typing")
    assert typing["data"] == {
        "user": {"id": student.pk, "name": student.display_name, "role": "student"},
        "typing": True,
    }
    sent = (await send(alice, dm.topic, "read me"))["data"]
    read = await bob.request("read", dm.topic, {"seq": sent["seq"]})
    assert read["data"] == {"last_read_seq": 1}
    seen = await next_of(alice, "read")
    assert seen["data"] == {"user_id": professional.pk, "seq": 1}
    # Never backwards, never past the end.
    assert (await bob.request("read", dm.topic, {"seq": 0}))["data"] == {"last_read_seq": 1}
    assert (await bob.request("read", dm.topic, {"seq": 50}))["data"] == {"last_read_seq": 1}


async def test_resume_after_disconnect_has_no_gap_and_no_duplicate(
    open_ws: OpenWs, student: Any, professional: Any, dm
) -> None:
    alice = await joined_user(open_ws, student)
    await alice.request("join", dm.topic)
    for n in range(3):
        await send(alice, dm.topic, f"before {n}")
    bob = await joined_user(open_ws, professional)
    joined = await bob.request("join", dm.topic)
    assert [m["seq"] for m in joined["data"]["history"]] == [1, 2, 3]
    await bob.communicator.disconnect()

    for n in range(5):
        await send(alice, dm.topic, f"while away {n}")
    bob2 = await joined_user(open_ws, professional)
    resumed = await bob2.request("join", dm.topic, {"last_seq": 3})
    assert [m["seq"] for m in resumed["data"]["history"]] == [4, 5, 6, 7, 8]
    assert resumed["data"]["more"] is False
    await send(alice, dm.topic, "live")
    live = await next_of(bob2, "message.new")
    assert live["data"]["seq"] == 9
    assert await quiet_on(bob2, dm.topic)


async def test_resume_joins_history_and_live_pushes_exactly(
    open_ws: OpenWs, student: Any, professional: Any, dm
) -> None:
    """Messages committed while the join reads its history arrive once, in order."""
    alice = await joined_user(open_ws, student)
    await alice.request("join", dm.topic)
    bob = await joined_user(open_ws, professional)

    async def writer() -> None:
        for n in range(30):
            await send(alice, dm.topic, f"m{n}")

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    joined = await bob.request("join", dm.topic, {"last_seq": 0})
    await task
    seqs = [m["seq"] for m in joined["data"]["history"]]
    while not seqs or seqs[-1] < 30:
        seqs.append((await next_of(bob, "message.new"))["data"]["seq"])
    assert seqs == list(range(1, 31))
    assert await quiet_on(bob, dm.topic)


async def test_more_than_200_missed(open_ws: OpenWs, student: Any, professional: Any, dm) -> None:
    await sync_to_async(
        lambda: [
            services.message_send(author=student, conversation=dm, body="x", client_id=str(n))
            for n in range(230)
        ]
    )()
    bob = await joined_user(open_ws, professional)
    first = await bob.request("join", dm.topic, {"last_seq": 0})
    assert len(first["data"]["history"]) == 200 and first["data"]["more"] is True
    rest = await bob.request("join", dm.topic, {"last_seq": 200})
    assert [m["seq"] for m in rest["data"]["history"]] == list(range(201, 231))
    assert rest["data"]["more"] is False


async def test_concurrent_senders_get_gapless_seqs(
    open_ws: OpenWs, student: Any, professional: Any, dm
) -> None:
    """100 messages from 10 clients (5 tabs each) → seq 1..100, every client sees them all."""
    clients = [await joined_user(open_ws, user) for user in [student, professional] * 5]
    for client in clients:
        assert (await client.request("join", dm.topic))["ok"]

    async def sender(index: int, client: WsClient) -> list[int]:
        replies: list[int] = []
        for n in range(10):
            await client.send(
                {
                    "type": "message.send",
                    "topic": dm.topic,
                    "ref": f"s{n}",
                    "data": {"body": f"{index}/{n}", "client_id": f"{index}-{n}"},
                }
            )
        while len(replies) < 10:
            message = await client.recv(5)
            if message["type"] == "reply":
                assert message["ok"], message
                replies.append(message["data"]["seq"])
        return replies

    results = await asyncio.gather(*(sender(i, c) for i, c in enumerate(clients)))
    assert sorted(seq for seqs in results for seq in seqs) == list(range(1, 101))
    for client in clients:
        pushed = [m["data"]["seq"] for m in client.received if m["type"] == "message.new"]
        while len(pushed) < 100:
            pushed.append((await next_of(client, "message.new", 5))["data"]["seq"])
        assert pushed == list(range(1, 101))
    rows = await sync_to_async(
        lambda: list(Message.objects.filter(conversation=dm).values_list("seq", flat=True))
    )()
    assert sorted(rows) == list(range(1, 101))


async def test_contact_request_reaches_the_professional_live(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    pro = await joined_user(open_ws, professional)
    kid = await joined_user(open_ws, student)
    request = await sync_to_async(services.contact_request_create)(
        student=student, professional=professional, message="Can I ask you something?"
    )
    notice = await pro.push()
    assert notice["type"] == "contact.request" and notice["topic"] == f"user:{professional.pk}"
    assert notice["data"]["id"] == request.pk
    assert notice["data"]["student"]["id"] == student.pk
    await sync_to_async(services.contact_request_accept)(
        professional=professional, request_id=request.pk
    )
    accepted = await next_of(kid, "contact.accepted")
    topic = accepted["data"]["conversation"]["topic"]
    joined = await kid.request("join", topic)
    assert [m["body"] for m in joined["data"]["history"]] == ["Can I ask you something?"]


async def test_removed_member_is_refused(open_ws: OpenWs, student: Any, professional: Any) -> None:
    conversation = await sync_to_async(open_conversation)(student, professional)
    alice = await joined_user(open_ws, student)
    await alice.request("join", conversation.topic)
    await sync_to_async(Membership.objects.filter(user=student).delete)()
    assert error_code(await send(alice, conversation.topic, "hi")) == "not_found"
    assert error_code(await alice.request("join", conversation.topic)) == "not_found"


async def test_a_failing_channel_layer_loses_nothing_acknowledged(
    open_ws: OpenWs, channel_layer: Any, student: Any, professional: Any, dm, monkeypatch: Any
) -> None:
    """The push fails after commit (Redis down, the other side on another process): the
    sender is still answered with the stored message, and the other side recovers it by
    joining again with its last seq."""
    alice = await joined_user(open_ws, student)
    bob = await joined_user(open_ws, professional)
    await alice.request("join", dm.topic)
    await bob.request("join", dm.topic, {"last_seq": 0})

    async def unreachable(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Redis is down")

    # Both sides are in this process here, and the hub hands local members their pushes
    # before publishing: publishing as a whole has to fail to lose the push.
    monkeypatch.setattr(Hub, "publish_many", unreachable)
    reply = await send(alice, dm.topic, "while Redis is down", "down-1")
    assert reply["ok"], reply
    assert await bob.silent()
    monkeypatch.undo()
    resumed = await bob.request("join", dm.topic, {"last_seq": 0})
    assert [m["client_id"] for m in resumed["data"]["history"]] == ["down-1"]
