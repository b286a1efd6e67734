"""REST endpoints and the services' rules (who may open, see, invite, end), on both databases."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rooms import services
from rooms.access import access_room, room_check_entry
from rooms.errors import RoomError
from rooms.models import Room, RoomInvite
from tests.rooms.conftest import make_contact, make_room

pytestmark = pytest.mark.django_db

ROOM_KEYS = {
    "id",
    "topic",
    "title",
    "description",
    "host",
    "starts_at",
    "capacity",
    "visibility",
    "lobby",
    "status",
    "media_mode",
    "url",
}


def test_create_room(api_client: Any, professional: Any) -> None:
    api_client.force_authenticate(professional)
    reply = api_client.post(
        "/api/rooms/",
        {"title": "  Nursing, honestly ", "capacity": 4, "visibility": "invite", "lobby": True},
        format="json",
    )
    assert reply.status_code == 201, reply.json()
    body = reply.json()
    assert set(body) == ROOM_KEYS
    assert body["topic"] == f"room:{body['id']}" and body["url"] == f"/rooms/{body['id']}/"
    assert body["title"] == "Nursing, honestly" and body["capacity"] == 4
    assert body["status"] == "scheduled" and body["media_mode"] == "mesh" and body["lobby"] is True
    assert body["host"] == {
        "id": professional.pk,
        "name": professional.display_name,
        "role": "professional",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": "ok", "capacity": 7}, "capacity"),
        ({"title": "ok", "capacity": 1}, "capacity"),
        ({"title": "ok", "visibility": "secret"}, "visibility"),
        ({"title": "ok", "starts_at": "2001-01-01T10:00:00Z"}, "starts_at"),
        ({"title": "ok", "description": "x" * 2001}, "description"),
        ({"title": "ok", "capacity": "many"}, "capacity"),
    ],
)
def test_create_room_bad_input(api_client: Any, professional: Any, data: Any, field: str) -> None:
    api_client.force_authenticate(professional)
    reply = api_client.post("/api/rooms/", data, format="json")
    assert reply.status_code == 400, reply.json()
    assert reply.json()["error"]["code"] == "bad_request"
    assert field in reply.json()["error"]["fields"]
    assert Room.objects.count() == 0


def test_only_verified_professionals_open_rooms(
    api_client: Any, student: Any, make_user: Any
) -> None:
    for user in (student, make_user(role="professional", verified=False)):
        api_client.force_authenticate(user)
        reply = api_client.post("/api/rooms/", {"title": "Mine"}, format="json")
        assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    api_client.force_authenticate(None)
    assert api_client.post("/api/rooms/", {"title": "x"}, format="json").status_code in (401, 403)
    assert Room.objects.count() == 0


def test_lists_and_detail_respect_visibility(
    api_client: Any, professional: Any, student: Any, make_user: Any
) -> None:
    now = timezone.now()
    public = make_room(professional, title="Public", starts_at=now + dt.timedelta(days=2))
    private = make_room(
        professional, title="Private", visibility="invite", starts_at=now + dt.timedelta(days=1)
    )
    live = make_room(professional, title="Live")
    Room.objects.filter(pk=live.pk).update(status="live")
    ended = make_room(professional, title="Ended")
    services.room_end(user=professional, room_id=ended.pk)
    api_client.force_authenticate(student)
    upcoming = api_client.get("/api/rooms/?status=upcoming").json()["results"]
    assert [r["title"] for r in upcoming] == ["Public"]
    assert [r["title"] for r in api_client.get("/api/rooms/?status=live").json()["results"]] == [
        "Live"
    ]
    assert api_client.get("/api/rooms/?status=bogus").status_code == 400
    assert api_client.get(f"/api/rooms/{private.pk}/").status_code == 404
    assert api_client.get(f"/api/rooms/{public.pk}/").json()["title"] == "Public"
    assert api_client.get("/api/rooms/999999/").status_code == 404

    make_contact(professional, student)
    api_client.force_authenticate(professional)
    invited = api_client.post(
        f"/api/rooms/{private.pk}/invites/", {"user": student.pk}, format="json"
    )
    assert invited.status_code == 201 and invited.json()["user"]["id"] == student.pk
    again = api_client.post(
        f"/api/rooms/{private.pk}/invites/", {"user": student.pk}, format="json"
    )
    assert again.status_code == 201 and RoomInvite.objects.count() == 1
    bad = api_client.post(f"/api/rooms/{private.pk}/invites/", {"user": 999999}, format="json")
    assert bad.status_code == 400 and "user" in bad.json()["error"]["fields"]

    api_client.force_authenticate(student)
    upcoming = api_client.get("/api/rooms/?status=upcoming").json()["results"]
    assert [r["title"] for r in upcoming] == ["Private", "Public"]  # soonest first
    assert api_client.get(f"/api/rooms/{private.pk}/").status_code == 200
    # A guest cannot invite or end.
    reply = api_client.post(f"/api/rooms/{public.pk}/invites/", {"user": student.pk}, format="json")
    assert reply.status_code == 403
    assert api_client.post(f"/api/rooms/{public.pk}/end/").status_code == 403


def test_end_room_over_rest(api_client: Any, professional: Any) -> None:
    room = make_room(professional)
    api_client.force_authenticate(professional)
    reply = api_client.post(f"/api/rooms/{room.pk}/end/")
    assert reply.status_code == 200 and reply.json()["status"] == "ended"
    assert api_client.post(f"/api/rooms/{room.pk}/end/").json()["status"] == "ended"
    with pytest.raises(RoomError) as refused:
        room_check_entry(room=Room.objects.get(pk=room.pk), user=professional)
    assert refused.value.code == "conflict"


def test_entry_opens_15_minutes_before_the_start(professional: Any, student: Any) -> None:
    now = timezone.now()
    room = make_room(professional, starts_at=now + dt.timedelta(hours=1))
    with pytest.raises(RoomError) as early:
        services.peer_join(user=student, room_id=room.pk, peer_id="p1", channel_name="c1", now=now)
    assert early.value.code == "conflict"
    opened = services.peer_join(
        user=student,
        room_id=room.pk,
        peer_id="p1",
        channel_name="c1",
        now=now + dt.timedelta(minutes=46),
    )
    assert opened.admitted and Room.objects.get(pk=room.pk).status == "scheduled"
    services.peer_join(
        user=professional,
        room_id=room.pk,
        peer_id="p2",
        channel_name="c2",
        now=now + dt.timedelta(minutes=46),
    )
    assert Room.objects.get(pk=room.pk).status == "live"


def test_access_rules(professional: Any, student: Any, make_user: Any) -> None:
    room = make_room(professional, visibility="invite")
    with pytest.raises(RoomError) as refused:
        access_room(user=student, room_id=room.pk)
    with pytest.raises(RoomError) as missing:
        access_room(user=student, room_id=room.pk + 1000)
    # Not invited looks exactly like missing: no existence oracle (issue 18).
    assert (refused.value.code, refused.value.message) == ("not_found", missing.value.message)
    assert access_room(user=professional, room_id=room.pk) == room
    make_contact(professional, student)
    services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)
    assert access_room(user=student, room_id=room.pk) == room
    student.is_active = False
    for room_id in (room.pk, room.pk + 1000):  # the account's refusal, whatever the room
        with pytest.raises(RoomError) as inactive:
            access_room(user=student, room_id=room_id)
        assert inactive.value.code == "forbidden"
    with pytest.raises(RoomError) as garbled:
        access_room(user=professional, room_id="12x")
    assert garbled.value.code == "not_found"


def test_removed_user_cannot_rejoin_even_before_arriving(professional: Any, student: Any) -> None:
    room = make_room(professional)
    services.peer_join(user=professional, room_id=room.pk, peer_id="h", channel_name="c-h")
    services.participant_remove(host=professional, room_id=room.pk, user_id=student.pk)
    with pytest.raises(RoomError) as refused:
        services.peer_join(user=student, room_id=room.pk, peer_id="s", channel_name="c-s")
    assert refused.value.code == "forbidden"
    with pytest.raises(RoomError) as host:
        services.participant_remove(host=professional, room_id=room.pk, user_id=professional.pk)
    assert host.value.code == "bad_request"


def test_stale_peers_are_pruned(professional: Any, make_user: Any) -> None:
    """A peer whose cache entry vanished (its process died) does not hold a place."""
    from rooms.peercache import peer_cache_delete

    room = make_room(professional, capacity=2)
    first, second = make_user(), make_user()
    services.peer_join(user=first, room_id=room.pk, peer_id="a", channel_name="c-a")
    with pytest.raises(RoomError) as full:
        services.peer_join(user=professional, room_id=room.pk, peer_id="h", channel_name="c-h")
        services.peer_join(user=second, room_id=room.pk, peer_id="b", channel_name="c-b")
    assert full.value.code == "conflict"
    peer_cache_delete(room_id=room.pk, peer_ids=["a"])
    assert services.peer_join(
        user=second, room_id=room.pk, peer_id="b", channel_name="c-b"
    ).admitted
