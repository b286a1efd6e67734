"""The `room:` topic over the gateway (WebsocketCommunicator on the real ASGI app): every frame
of docs/rooms.md and every error, with the other participants undisturbed."""

import asyncio
import io
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from PIL import Image

from gallery.photos import photo_set
from rooms import services
from rooms.models import Question, QuestionVote, Room, RoomParticipant, RoomPeer
from tests.realtime.conftest import OpenWs, error_code, joined_user
from tests.rooms.conftest import (
    OFFER_RECVONLY,
    OFFER_SENDRECV,
    drain,
    in_room,
    make_contact,
    make_room,
    new_user,
    next_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

PEER_KEYS = {"peer_id", "user", "role", "publish", "photo"}


async def test_join_reply_and_presence(
    open_ws: OpenWs, professional: Any, student: Any, room: Any, settings: Any
) -> None:
    settings.ROOMS_STUN_URLS = ["stun:stun.example.org:3478"]
    host, hosted = await in_room(open_ws, professional, room)
    assert hosted["room"]["status"] == "live" and hosted["room"]["topic"] == room.topic
    assert hosted["role"] == "host" and hosted["publish"] is True and hosted["admitted"] is True
    assert hosted["peers"] == [] and hosted["waiting"] == [] and hosted["hands"] == []
    assert hosted["ice_servers"] == [{"urls": ["stun:stun.example.org:3478"]}]
    assert hosted["conversation"]["topic"] == room.topic and hosted["history"] == []
    assert (await next_of(host, "presence"))["data"]["joins"][0]["peer_id"] == hosted["peer_id"]

    guest, joined = await in_room(open_ws, student, room)
    assert joined["role"] == "audience" and joined["publish"] is False
    assert joined["peer_id"] != hosted["peer_id"]
    assert joined["peers"] == [
        {
            "peer_id": hosted["peer_id"],
            "user": {
                "id": professional.pk,
                "name": professional.display_name,
                "role": "professional",
            },
            "role": "host",
            "publish": True,
            "photo": None,  # no profile photo: the tile shows initials
            # What the host sends: its right to publish, until it says otherwise.
            "camera": True,
            "microphone": True,
        }
    ]
    presence = await next_of(host, "presence")
    assert presence["topic"] == room.topic
    assert presence["data"]["leaves"] == []
    [arrived] = presence["data"]["joins"]
    assert set(arrived) == PEER_KEYS and arrived["peer_id"] == joined["peer_id"]
    assert arrived["role"] == "audience" and arrived["publish"] is False

    # Room chat is the chat app's, unchanged.
    sent = await guest.request("message.send", room.topic, {"body": "Hello!", "client_id": "c1"})
    assert sent["ok"] and sent["data"]["seq"] == 1
    assert (await next_of(host, "message.new"))["data"]["body"] == "Hello!"

    await guest.request("leave", room.topic)
    left = await next_of(host, "presence")
    assert left["data"] == {"joins": [], "leaves": [arrived]}
    assert await sync_to_async(RoomPeer.objects.filter(peer_id=joined["peer_id"]).exists)() is False


async def test_disconnect_is_announced(
    open_ws: OpenWs, professional: Any, student: Any, room: Any
) -> None:
    host, _ = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    await next_of(host, "presence")
    await next_of(host, "presence")
    await guest.communicator.disconnect()
    left = await next_of(host, "presence")
    assert [peer["peer_id"] for peer in left["data"]["leaves"]] == [joined["peer_id"]]


async def test_signal_relay(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    third = await new_user(make_user)
    host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    other, _ = await in_room(open_ws, third, room)
    await drain(host)
    await drain(guest)
    await drain(other)

    offer = {"to": joined["peer_id"], "kind": "offer", "sdp": OFFER_SENDRECV}
    assert (await host.request("signal", room.topic, offer))["data"] == {}
    relayed = await next_of(guest, "signal")
    assert relayed == {
        "type": "signal",
        "topic": room.topic,
        "data": {"from": hosted["peer_id"], "kind": "offer", "sdp": OFFER_SENDRECV},
    }
    answer = {"to": hosted["peer_id"], "kind": "answer", "sdp": OFFER_RECVONLY}
    assert (await guest.request("signal", room.topic, answer))["ok"]
    assert (await next_of(host, "signal"))["data"]["kind"] == "answer"
    candidate = {
        "to": hosted["peer_id"],
        "kind": "candidate",
        "candidate": {
            "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        },
    }
    assert (await guest.request("signal", room.topic, candidate))["ok"]
    got = (await next_of(host, "signal"))["data"]
    assert got["candidate"] == candidate["candidate"] and got["from"] == joined["peer_id"]
    end = {"to": hosted["peer_id"], "kind": "candidate", "candidate": None}
    assert (await guest.request("signal", room.topic, end))["ok"]
    assert (await next_of(host, "signal"))["data"] == {
        "from": joined["peer_id"],
        "kind": "candidate",
        "candidate": None,
    }
    assert (await guest.request("signal", room.topic, {"to": hosted["peer_id"], "kind": "bye"}))[
        "ok"
    ]
    assert (await next_of(host, "signal"))["data"] == {"from": joined["peer_id"], "kind": "bye"}
    # Only the target hears a signal.
    assert await other.silent(0.3)


async def test_signal_errors_change_nothing(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    elsewhere_host = await new_user(make_user, role="professional", verified=True)
    elsewhere = await sync_to_async(make_room)(elsewhere_host)
    far, far_joined = await in_room(open_ws, elsewhere_host, elsewhere)
    host, hosted = await in_room(open_ws, professional, room)
    guest, joined = await in_room(open_ws, student, room)
    await drain(host)
    await drain(far)
    to_host = hosted["peer_id"]
    cases = [
        ({"to": far_joined["peer_id"], "kind": "offer", "sdp": OFFER_RECVONLY}, "not_found"),
        ({"to": "gone-peer", "kind": "bye"}, "not_found"),
        ({"to": joined["peer_id"], "kind": "bye"}, "not_found"),  # oneself
        ({"to": to_host, "kind": "shout"}, "bad_request"),
        ({"to": to_host, "kind": "offer", "sdp": "v=0\r\n" + "a" * 17_000}, "bad_request"),
        ({"to": to_host, "kind": "offer", "sdp": "é" * 9000}, "bad_request"),  # 18 KB in UTF-8
        ({"to": to_host, "kind": "offer"}, "bad_request"),
        ({"to": to_host, "kind": "bye", "sdp": "x"}, "bad_request"),
        (
            {"to": to_host, "kind": "candidate", "candidate": {"candidate": "x", "evil": 1}},
            "bad_request",
        ),
        ({"to": to_host, "kind": "bye", "extra": True}, "bad_request"),
        # The audience may not offer media.
        ({"to": to_host, "kind": "offer", "sdp": OFFER_SENDRECV}, "forbidden"),
        ({"to": to_host, "kind": "answer", "sdp": OFFER_SENDRECV}, "forbidden"),
    ]
    for data, code in cases:
        assert error_code(await guest.request("signal", room.topic, data)) == code, data
    assert await host.silent(0.3)
    assert await far.silent(0.2)
    # The connection still works.
    assert (await guest.request("signal", room.topic, {"to": to_host, "kind": "bye"}))["ok"]


async def test_signal_rate_limit(
    open_ws: OpenWs, professional: Any, student: Any, room: Any, settings: Any
) -> None:
    settings.ROOMS_SIGNAL_RATE_PER_SECOND = 1.0
    settings.ROOMS_SIGNAL_BURST = 3
    _host, hosted = await in_room(open_ws, professional, room)
    guest, _ = await in_room(open_ws, student, room)
    bye = {"to": hosted["peer_id"], "kind": "bye"}
    codes = []
    for _n in range(5):
        reply = await guest.request("signal", room.topic, bye)
        codes.append("ok" if reply["ok"] else error_code(reply))
    assert codes == ["ok", "ok", "ok", "rate_limited", "rate_limited"]


async def test_hands_and_questions(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    second = await new_user(make_user)
    host, _ = await in_room(open_ws, professional, room)
    alice, _ = await in_room(open_ws, student, room)
    bob, _ = await in_room(open_ws, second, room)
    raised = await alice.request("hand", room.topic, {"raised": True})
    assert [h["user"]["id"] for h in raised["data"]["hands"]] == [student.pk]
    assert (await bob.request("hand", room.topic, {"raised": True}))["ok"]
    hands = (await next_of(host, "hands"))["data"]["hands"]
    assert [h["user"]["id"] for h in hands] == [student.pk]
    hands = (await next_of(host, "hands"))["data"]["hands"]
    assert [h["user"]["id"] for h in hands] == [student.pk, second.pk]  # raise order
    assert hands[0]["raised_at"].endswith("Z")

    asked = await alice.request("question.ask", room.topic, {"body": "  How long is training?  "})
    question = asked["data"]
    assert question["body"] == "How long is training?" and question["votes"] == 0
    assert question["author"]["id"] == student.pk and question["answered"] is False
    assert (await next_of(host, "question"))["data"]["question"] == question
    voted = await bob.request("question.vote", room.topic, {"id": question["id"]})
    assert voted["data"]["votes"] == 1 and voted["data"]["voted"] is True
    pushed = (await next_of(host, "question"))["data"]["question"]
    assert pushed["votes"] == 1 and pushed["voted"] is False
    assert error_code(await bob.request("question.vote", room.topic, {"id": question["id"]})) == (
        "conflict"
    )
    own = await alice.request("question.vote", room.topic, {"id": question["id"]})
    assert error_code(own) == "forbidden"
    assert error_code(await bob.request("question.vote", room.topic, {"id": 999999})) == (
        "not_found"
    )
    assert error_code(await bob.request("question.answer", room.topic, {"id": question["id"]})) == (
        "forbidden"
    )
    assert error_code(await bob.request("question.ask", room.topic, {"body": "x" * 501})) == (
        "too_large"
    )
    assert error_code(await bob.request("question.ask", room.topic, {"body": "   "})) == (
        "bad_request"
    )
    votes = await sync_to_async(QuestionVote.objects.count)()
    stored = await sync_to_async(Question.objects.get)(pk=question["id"])
    assert votes == 1 and stored.votes == 1 and stored.answered_at is None
    answered = await host.request("question.answer", room.topic, {"id": question["id"]})
    assert answered["data"]["answered"] is True
    assert (await next_of(alice, "question"))["data"]["question"]["answered"] is True

    # A later join sees the queue, with its own votes.
    again = await joined_user(open_ws, second)
    state = (await again.request("join", room.topic))["data"]
    assert [q["voted"] for q in state["questions"]] == [True]
    assert [h["user"]["id"] for h in state["hands"]] == [student.pk, second.pk]
    lowered = await alice.request("hand", room.topic, {"raised": False})
    assert [h["user"]["id"] for h in lowered["data"]["hands"]] == [second.pk]


async def test_host_controls_by_a_non_host_are_forbidden(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    second = await new_user(make_user)
    host, _ = await in_room(open_ws, professional, room)
    alice, _ = await in_room(open_ws, student, room)
    await in_room(open_ws, second, room)
    await drain(host)
    frames = [
        ("stage.set", {"user_id": second.pk, "on_stage": True}),
        ("mute.request", {"user_id": second.pk, "kind": "audio"}),
        ("participant.remove", {"user_id": second.pk}),
        ("lobby.admit", {"user_id": second.pk}),
        ("room.end", {}),
    ]
    for frame_type, data in frames:
        assert error_code(await alice.request(frame_type, room.topic, data)) == "forbidden"
    assert await host.silent(0.2)
    participant = await sync_to_async(RoomParticipant.objects.get)(room=room, user=second)
    assert participant.role == "audience" and participant.removed_at is None
    assert (await sync_to_async(Room.objects.get)(pk=room.pk)).status == "live"


async def test_stage_and_mute(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    second = await new_user(make_user)
    host, hosted = await in_room(open_ws, professional, room)
    alice, _ = await in_room(open_ws, student, room)
    bob, _ = await in_room(open_ws, second, room)
    await alice.request("hand", room.topic, {"raised": True})
    await drain(bob)
    assert (await host.request("stage.set", room.topic, {"user_id": student.pk, "on_stage": True}))[
        "ok"
    ]
    role = await next_of(bob, "role")
    assert role["data"] == {
        "user": {"id": student.pk, "name": student.display_name, "role": "student"},
        "role": "stage",
        "publish": True,
    }
    assert (await next_of(bob, "hands"))["data"]["hands"] == []  # the hand went down
    # On stage, the student may offer media; the relay reads the new right from the cache.
    offer = {"to": hosted["peer_id"], "kind": "offer", "sdp": OFFER_SENDRECV}
    assert (await alice.request("signal", room.topic, offer))["ok"]
    assert (
        await host.request("stage.set", room.topic, {"user_id": student.pk, "on_stage": False})
    )["ok"]
    assert error_code(await alice.request("signal", room.topic, offer)) == "forbidden"

    await drain(alice)
    await drain(bob)
    mute = {"user_id": student.pk, "kind": "video"}
    assert (await host.request("mute.request", room.topic, mute))["ok"]
    assert (await next_of(alice, "mute.request"))["data"] == {"kind": "video"}
    assert await bob.silent(0.3)
    assert error_code(
        await host.request("stage.set", room.topic, {"user_id": professional.pk, "on_stage": False})
    ) == ("bad_request")
    assert (
        error_code(
            await host.request("mute.request", room.topic, {"user_id": 999999, "kind": "audio"})
        )
        == "not_found"
    )
    assert error_code(
        await host.request("mute.request", room.topic, {"user_id": student.pk, "kind": "smell"})
    ) == ("bad_request")


async def test_removed_user_is_evicted_and_cannot_rejoin(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any, room: Any
) -> None:
    second = await new_user(make_user)
    host, _ = await in_room(open_ws, professional, room)
    alice, joined = await in_room(open_ws, student, room)
    bob, _ = await in_room(open_ws, second, room)
    await drain(bob)
    await drain(host)
    assert (await host.request("participant.remove", room.topic, {"user_id": student.pk}))["ok"]
    assert (await next_of(alice, "left")) == {
        "type": "left",
        "topic": room.topic,
        "data": {"reason": "removed"},
    }
    leaves = (await next_of(bob, "presence"))["data"]["leaves"]
    assert [peer["peer_id"] for peer in leaves] == [joined["peer_id"]]
    assert error_code(await alice.request("join", room.topic)) == "forbidden"
    fresh = await joined_user(open_ws, student)
    assert error_code(await fresh.request("join", room.topic)) == "forbidden"
    chat = {"body": "let me in", "client_id": "x1"}
    assert error_code(await alice.request("message.send", room.topic, chat)) == "forbidden"
    # Bob is undisturbed.
    assert (await bob.request("hand", room.topic, {"raised": True}))["ok"]


async def test_lobby(open_ws: OpenWs, professional: Any, student: Any) -> None:
    room = await sync_to_async(make_room)(professional, lobby=True)
    host, hosted = await in_room(open_ws, professional, room)
    await drain(host)
    guest, waiting = await in_room(open_ws, student, room)
    assert waiting["admitted"] is False and waiting["peers"] == [] and waiting["history"] == []
    assert waiting["conversation"] is None and waiting["ice_servers"] == []
    lobby = await next_of(host, "lobby")
    assert [u["id"] for u in lobby["data"]["waiting"]] == [student.pk]
    # Waiting: no frames, no chat, not reachable, not announced.
    assert error_code(await guest.request("hand", room.topic, {"raised": True})) == "forbidden"
    chat = {"body": "hi", "client_id": "w1"}
    assert error_code(await guest.request("message.send", room.topic, chat)) == "not_found"
    assert error_code(await guest.request("typing", room.topic, {"typing": True})) == "forbidden"
    bye = {"to": waiting["peer_id"], "kind": "bye"}
    assert error_code(await host.request("signal", room.topic, bye)) == "not_found"
    await host.request("message.send", room.topic, {"body": "only for the room", "client_id": "h1"})
    assert await guest.silent(0.3)

    assert (await host.request("lobby.admit", room.topic, {"user_id": student.pk}))["ok"]
    assert (await next_of(guest, "admitted"))["data"] == {}
    assert (await next_of(host, "lobby"))["data"] == {"waiting": []}
    entered = (await guest.request("join", room.topic))["data"]
    assert entered["admitted"] is True and entered["peer_id"] == waiting["peer_id"]
    assert [p["peer_id"] for p in entered["peers"]] == [hosted["peer_id"]]
    assert [m["body"] for m in entered["history"]] == ["only for the room"]
    arrived = (await next_of(host, "presence"))["data"]["joins"]
    assert [p["peer_id"] for p in arrived] == [waiting["peer_id"]]
    # Now in the group: pushes reach the admitted connection.
    await host.request("message.send", room.topic, {"body": "welcome", "client_id": "h2"})
    assert (await next_of(guest, "message.new"))["data"]["body"] == "welcome"


async def test_end_evicts_everyone_and_closes_the_room(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any
) -> None:
    room = await sync_to_async(make_room)(professional, lobby=True)
    waiting_user = await new_user(make_user)
    host, _ = await in_room(open_ws, professional, room)
    guest, _ = await in_room(open_ws, student, room)
    await drain(host)
    await host.request("lobby.admit", room.topic, {"user_id": student.pk})
    await guest.request("join", room.topic)
    waiter, _ = await in_room(open_ws, waiting_user, room)
    assert (await host.request("room.end", room.topic, {}))["ok"]
    for client in (guest, waiter):
        assert (await next_of(client, "room.ended"))["data"] == {}
        assert (await next_of(client, "left"))["data"] == {"reason": "ended"}
    assert await sync_to_async(RoomPeer.objects.filter(room=room).count)() == 0
    stored = await sync_to_async(Room.objects.get)(pk=room.pk)
    assert stored.status == "ended" and stored.ended_at is not None
    late = await joined_user(open_ws, student)
    assert error_code(await late.request("join", room.topic)) == "conflict"


async def test_full_room(open_ws: OpenWs, professional: Any, make_user: Any) -> None:
    room = await sync_to_async(make_room)(professional, capacity=3)
    host, _ = await in_room(open_ws, professional, room)
    first = await new_user(make_user)
    second = await new_user(make_user)
    third = await new_user(make_user)
    await in_room(open_ws, first, room)
    second_client, _ = await in_room(open_ws, second, room)
    await drain(host)
    late = await joined_user(open_ws, third)
    refused = await late.request("join", room.topic)
    # The message is in the default language, French.
    assert error_code(refused) == "conflict" and "complète" in refused["error"]["message"]
    assert await host.silent(0.2)  # nothing announced
    # A second tab of someone present is not one more person.
    tab = await joined_user(open_ws, first)
    assert (await tab.request("join", room.topic))["ok"]
    # Someone leaving makes a place.
    await second_client.request("leave", room.topic)
    assert (await late.request("join", room.topic))["ok"]


async def test_who_may_join(
    open_ws: OpenWs, professional: Any, student: Any, make_user: Any
) -> None:
    private = await sync_to_async(make_room)(professional, visibility="invite")
    stranger = await new_user(make_user)
    outsider = await joined_user(open_ws, stranger)
    # Not invited looks exactly like missing (issue 18: no existence oracle).
    refused = await outsider.request("join", private.topic)
    missing = await outsider.request("join", "room:987654")
    assert refused["error"] == missing["error"] and error_code(missing) == "not_found"
    assert error_code(await outsider.request("join", "room:abc")) == "not_found"
    await sync_to_async(make_contact)(professional, student)
    await sync_to_async(services.room_invite)(
        host=professional, room_id=private.pk, user_id=student.pk
    )
    guest = await joined_user(open_ws, student)
    assert (await guest.request("join", private.topic))["ok"]
    assert (
        await sync_to_async(RoomPeer.objects.filter(room=private, user=stranger).exists)() is False
    )


async def test_frames_need_a_join(open_ws: OpenWs, student: Any, room: Any) -> None:
    client = await joined_user(open_ws, student)
    assert error_code(await client.request("hand", room.topic, {"raised": True})) == "forbidden"
    assert error_code(await client.request("room.dance", room.topic, {})) == "bad_request"


async def test_live_peers_renew_their_cache_entry(
    open_ws: OpenWs, professional: Any, student: Any, room: Any, settings: Any
) -> None:
    """Entries expire unless renewed: a live connection renews its own, so it stays
    reachable long past the TTL, while a dead process's peers would expire."""
    settings.ROOMS_PEER_REFRESH_SECONDS = 0.1  # entries live 0.3 s unrenewed
    host, hosted = await in_room(open_ws, professional, room)
    guest, _ = await in_room(open_ws, student, room)
    await asyncio.sleep(1.2)
    bye = {"to": hosted["peer_id"], "kind": "bye"}
    assert (await guest.request("signal", room.topic, bye))["ok"]
    await host.request("leave", room.topic)
    assert error_code(await guest.request("signal", room.topic, bye)) == "not_found"


async def test_a_peer_with_a_profile_photo_carries_it(
    open_ws: OpenWs, professional: Any, student: Any, room: Any
) -> None:
    """The host's tile shows their photo while the camera is off; the student, who has none,
    has initials (null): both in the join reply and in the presence push."""
    picture = io.BytesIO()
    Image.new("RGB", (300, 300), "purple").save(picture, "PNG")
    await sync_to_async(photo_set)(
        user=professional, upload=io.BytesIO(picture.getvalue()), size=len(picture.getvalue())
    )
    host, _hosted = await in_room(open_ws, professional, room)
    await next_of(host, "presence")
    _guest, joined = await in_room(open_ws, student, room)
    assert joined["peers"][0]["photo"].endswith("-96.webp")
    arrived = (await next_of(host, "presence"))["data"]["joins"][0]
    assert arrived["peer_id"] == joined["peer_id"] and arrived["photo"] is None
