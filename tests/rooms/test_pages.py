"""The rooms pages: the list, the "new room" form (validation and permissions) and the room
page's access rules. The browser side of a room is tests/browser/test_rooms.py."""

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from rooms import services
from rooms.models import Room, RoomStatus, Visibility
from tests.rooms.conftest import make_contact, make_room

pytestmark = pytest.mark.django_db


def html(response: Any) -> str:
    return str(response.content.decode())


def english(client: Client, user: Any) -> Client:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


# --- list -----------------------------------------------------------------------------------


def test_pages_need_a_login(client: Client, professional: Any) -> None:
    room = make_room(professional)
    for path in ("/rooms/", "/rooms/new/", f"/rooms/{room.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_list_shows_live_and_upcoming_rooms_the_user_may_see(
    client: Client, student: Any, professional: Any, make_user: Any
) -> None:
    live = make_room(professional, title="Live: a day in the ER")
    Room.objects.filter(pk=live.pk).update(status=RoomStatus.LIVE)
    soon = make_room(professional, title="Soon: coding for a living", starts_at=later(minutes=10))
    later_room = make_room(professional, title="Later: wind turbines", starts_at=later(days=2))
    hidden = make_room(professional, title="Private: my booked class", visibility=Visibility.INVITE)
    invited = make_room(professional, title="Invited: for you", visibility=Visibility.INVITE)
    make_contact(professional, student)
    services.room_invite(host=professional, room_id=invited.pk, user_id=student.pk)
    ended = make_room(professional, title="Ended: old news")
    services.room_end(user=professional, room_id=ended.pk)

    page = html(english(client, student).get("/rooms/"))
    live_part, upcoming_part = page.split('id="upcoming-title"')
    assert "Live: a day in the ER" in live_part
    assert "Soon: coding for a living" in upcoming_part
    assert "Later: wind turbines" in upcoming_part
    assert "Invited: for you" in page
    assert "Private: my booked class" not in page
    assert "Ended: old news" not in page
    # Join where one may enter now (live, or 15 minutes before the start); a time otherwise.
    assert f'href="/rooms/{live.pk}/"' in page
    card = page.split(f'data-room-card="{later_room.pk}"')[1].split("</li>")[0]
    assert "Opens at" in card
    assert "Join" not in card
    card = page.split(f'data-room-card="{soon.pk}"')[1].split("</li>")[0]
    assert ">Join<" in card
    assert f'data-room-card="{hidden.pk}"' not in page
    # Students cannot open rooms.
    assert "/rooms/new/" not in page


def test_list_offers_new_room_to_verified_professionals_only(
    client: Client, professional: Any, make_user: Any
) -> None:
    assert 'href="/rooms/new/"' in html(english(client, professional).get("/rooms/"))
    waiting = make_user(role="professional", verified=False)
    page = html(english(Client(), waiting).get("/rooms/"))
    assert 'href="/rooms/new/"' not in page
    assert "once your account is verified" in page


def test_navigation_links_the_rooms_for_students_and_professionals(
    client: Client, student: Any, make_user: Any
) -> None:
    assert 'href="/rooms/"' in html(english(client, student).get("/home/"))
    organiser = make_user(role="organiser")
    assert 'href="/rooms/"' not in html(english(Client(), organiser).get("/home/"))


# --- new room form ------------------------------------------------------------------------


def test_new_room_form_is_for_verified_professionals(
    client: Client, student: Any, make_user: Any
) -> None:
    assert english(client, student).get("/rooms/new/").status_code == 403
    assert client.post("/rooms/new/", {"title": "Sneaky"}).status_code == 403
    waiting = make_user(role="professional", verified=False)
    other = english(Client(), waiting)
    response = other.get("/rooms/new/")
    assert response.status_code == 403
    assert "waiting for verification" in html(response)
    assert other.post("/rooms/new/", {"title": "Too early", "capacity": 4}).status_code == 403
    assert not Room.objects.exists()


def test_new_room_form_renders_labelled_fields(client: Client, professional: Any) -> None:
    response = english(client, professional).get("/rooms/new/")
    assert response.status_code == 200
    page = html(response)
    for name in ("title", "description", "starts_at", "capacity", "lobby"):
        assert f'for="id_{name}"' in page
    assert 'type="datetime-local"' in page
    assert 'name="visibility" value="invite"' in page


def test_new_room_is_created_in_the_hosts_time_zone(client: Client, professional: Any) -> None:
    professional.time_zone = "Europe/Brussels"
    professional.save(update_fields=["time_zone"])
    start = (timezone.now() + dt.timedelta(days=3)).astimezone(ZoneInfo("Europe/Brussels"))
    local = start.replace(hour=18, minute=30, second=0, microsecond=0, tzinfo=None)
    response = english(client, professional).post(
        "/rooms/new/",
        {
            "title": "  Ask a firefighter  ",
            "description": "Bring your questions.",
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "capacity": "4",
            "visibility": "invite",
            "lobby": "on",
        },
    )
    room = Room.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rooms/{room.pk}/"
    assert room.title == "Ask a firefighter"
    assert room.host == professional
    assert room.starts_at == local.replace(tzinfo=ZoneInfo("Europe/Brussels"))
    assert (room.capacity, room.visibility, room.lobby) == (4, "invite", True)
    assert room.status == RoomStatus.SCHEDULED


def test_new_room_without_start_opens_now(client: Client, professional: Any) -> None:
    response = english(client, professional).post(
        "/rooms/new/", {"title": "Right now", "capacity": "6", "visibility": "public"}
    )
    room = Room.objects.get()
    assert response.status_code == 302
    assert abs((room.starts_at - timezone.now()).total_seconds()) < 60
    assert room.lobby is False


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the room a title."),
        ({"title": "x" * 121}, "title", "at most 120 characters"),
        ({"capacity": "7"}, "capacity", "less than or equal to 6"),
        ({"capacity": "1"}, "capacity", "greater than or equal to 2"),
        ({"visibility": "secret"}, "visibility", "Select a valid choice"),
        ({"starts_at": "tomorrow-ish"}, "starts_at", "Enter a valid date/time"),
        ({"starts_at": "2001-01-01T10:00"}, "starts_at", "The start is in the past."),
    ],
)
def test_new_room_form_refuses_bad_input_and_creates_nothing(
    client: Client, professional: Any, fields: dict[str, str], field: str, message: str
) -> None:
    data = {"title": "A good title", "capacity": "5", "visibility": "public", **fields}
    response = english(client, professional).post("/rooms/new/", data)
    assert response.status_code == 400
    page = html(response)
    assert 'class="error-summary"' in page
    error = page.split(f'id="field-{field}"')[1].split('class="field__error"')[1]
    assert message in error.split("</div>")[0]
    assert not Room.objects.exists()
    # What was typed is kept, so the host fixes one field instead of starting over.
    if field != "title":
        assert 'value="A good title"' in page


# --- the room page ------------------------------------------------------------------------


def room_labels(page: str) -> dict[str, Any]:
    match = re.search(r'<script id="room-labels" type="application/json">(.*?)</script>', page)
    assert match is not None
    loaded: dict[str, Any] = json.loads(match.group(1))
    return loaded


def test_room_page_of_a_public_room(client: Client, student: Any, professional: Any) -> None:
    room = make_room(professional, title="Ask me <anything>", description="Line one\n<i>two</i>")
    response = english(client, student).get(f"/rooms/{room.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert f'data-topic="room:{room.pk}"' in page
    assert f'data-me="{student.pk}"' in page
    assert "Ask me &lt;anything&gt;" in page  # escaped, never HTML
    assert "Line one<br>&lt;i&gt;two&lt;/i&gt;" in page
    assert "rooms/room.js" in page
    assert 'data-room-action="end"' not in page  # only the host ends the room
    labels = room_labels(page)
    assert labels["raise_hand"] == "Raise my hand"
    assert labels["votes"] == {"one": "%(count)s vote", "other": "%(count)s votes"}
    # The room's chat is the chat module's markup, on the room's topic.
    assert f'data-chat\n             data-topic="room:{room.pk}"' in page


def test_room_page_gives_the_host_the_end_button(client: Client, professional: Any) -> None:
    room = make_room(professional)
    page = html(english(client, professional).get(f"/rooms/{room.pk}/"))
    assert 'data-room-action="end"' in page
    assert "data-room-lobby" in page


def test_room_page_speaks_the_users_language(
    client: Client, student: Any, professional: Any
) -> None:
    room = make_room(professional)
    client.force_login(student)
    client.cookies["django_language"] = "nl"
    page = html(client.get(f"/rooms/{room.pk}/"))
    assert '<html lang="nl"' in page
    # The room's chat speaks Dutch with the chat's own catalogue entries.
    assert ">Versturen</button>" in page
    assert "Oudere berichten laden" in page


def test_invite_only_room_is_hidden_from_others(
    client: Client, student: Any, professional: Any, make_user: Any
) -> None:
    room = make_room(professional, visibility=Visibility.INVITE)
    assert english(client, student).get(f"/rooms/{room.pk}/").status_code == 404
    make_contact(professional, student)
    services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)
    assert client.get(f"/rooms/{room.pk}/").status_code == 200
    # An id that does not exist answers the same as one the user may not see.
    assert client.get(f"/rooms/{room.pk + 1000}/").status_code == 404


def test_ended_room_says_so_and_loads_no_room(
    client: Client, student: Any, professional: Any
) -> None:
    room = make_room(professional)
    services.room_end(user=professional, room_id=room.pk)
    response = english(client, student).get(f"/rooms/{room.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert 'data-room-closed="ended"' in page
    assert "This room has ended." in page
    assert "rooms/room.js" not in page
    assert "data-room " not in page


def test_room_not_open_yet_says_when(client: Client, student: Any, professional: Any) -> None:
    student.time_zone = "Europe/Brussels"
    student.save(update_fields=["time_zone"])
    start = later(days=1)
    room = make_room(professional, starts_at=start)
    page = html(english(client, student).get(f"/rooms/{room.pk}/"))
    assert 'data-room-closed="not_open"' in page
    opens = (start - dt.timedelta(minutes=15)).astimezone(ZoneInfo("Europe/Brussels"))
    assert opens.strftime("%H:%M") in page
    assert "rooms/room.js" not in page
    # Fifteen minutes before the start, the room page opens.
    Room.objects.filter(pk=room.pk).update(starts_at=later(minutes=14))
    assert "rooms/room.js" in html(client.get(f"/rooms/{room.pk}/"))
