"""Invitations (docs/rooms.md): the safeguarding rule in the service and the REST API, the
bookings that need none, the host's invite panel, the guest's `room.invited` push and the
host's `room.invite.created`, and the "You are invited" mark on /rooms/."""

import datetime as dt
import json
import re
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from rooms import services
from rooms.errors import RoomError
from rooms.models import Room, RoomInvite, Visibility
from scheduling.models import Mode, Slot
from scheduling.services.booking import booking_create
from tests.realtime.conftest import OpenWs, joined_user
from tests.rooms.conftest import make_contact, make_room, next_of

# The refusal as the site's default language (French) words it.
with translation.override(settings.LANGUAGE_CODE):
    NOT_ALLOWED = str(
        _("You can invite people who have a conversation with you, and verified professionals.")
    )


def refusal(host: Any, room: Any, user_id: int) -> RoomError:
    with pytest.raises(RoomError) as refused:
        services.room_invite(host=host, room_id=room.pk, user_id=user_id)
    return refused.value


def english(client: Client, user: Any) -> Client:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_a_host_invites_contacts_and_verified_professionals_only(
    professional: Any, student: Any, make_user: Any
) -> None:
    room = make_room(professional, visibility=Visibility.INVITE)
    stranger = make_user(role="student", birth_year=2010)
    colleague = make_user(role="professional", verified=True)
    unverified = make_user(role="professional", verified=False)
    organiser = make_user(role="organiser")
    # A student who never contacted the host, and everyone else outside the rule, is refused
    # with the same words as an id that does not exist: ids cannot be probed.
    for user_id in (stranger.pk, unverified.pk, organiser.pk, 999_999):
        refused = refusal(professional, room, user_id)
        assert (refused.code, refused.field, refused.message) == (
            "bad_request",
            "user",
            NOT_ALLOWED,
        )
    assert refusal(professional, room, professional.pk).field == "user"
    assert not RoomInvite.objects.exists()

    # A contact request the host accepted makes the student invitable; a verified professional
    # needs none.
    make_contact(professional, student)
    invite, created = services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)
    assert created and invite.user == student
    assert services.room_invite(host=professional, room_id=room.pk, user_id=colleague.pk)[1]
    assert services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)[1] is False
    # Not for a contact who left, nor by someone who does not host the room.
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert refusal(professional, room, student.pk).message == NOT_ALLOWED
    assert refusal(colleague, room, stranger.pk).code == "forbidden"
    services.room_end(user=professional, room_id=room.pk)
    assert refusal(professional, room, colleague.pk).code == "conflict"
    assert RoomInvite.objects.count() == 2


@pytest.mark.django_db
def test_the_rule_over_rest(api_client: Any, professional: Any, student: Any) -> None:
    room = make_room(professional)
    api_client.force_authenticate(professional)
    url = f"/api/rooms/{room.pk}/invites/"
    refused = api_client.post(url, {"user": student.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"user": [NOT_ALLOWED]}
    make_contact(professional, student)
    assert api_client.post(url, {"user": student.pk}, format="json").status_code == 201


@pytest.mark.django_db
def test_booked_students_need_no_invitation(open_window: Any, pro: Any, make_student: Any) -> None:
    """The booking path lets its students in through the booking, so the invite rule leaves
    it alone; the host still cannot add a stranger to the meeting room."""
    window = open_window(mode=Mode.VIRTUAL, capacity=2, minutes=60)
    slot = Slot.objects.filter(window=window).order_by("starts_at").first()
    assert slot is not None
    booked, stranger = make_student(), make_student()
    booking_create(student=booked, slot_id=slot.pk)
    room = Room.objects.get(meeting_slot=slot)
    assert services.peer_join(
        user=booked,
        room_id=room.pk,
        peer_id="p",
        channel_name="c",
        now=slot.starts_at,
    ).admitted
    assert refusal(pro, room, stranger.pk).message == NOT_ALLOWED
    assert not RoomInvite.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_the_guest_and_the_host_s_tabs_are_told_on_their_user_topics(
    open_ws: OpenWs, professional: Any, student: Any
) -> None:
    room = await sync_to_async(make_room)(professional, title="Nursing at night")
    await sync_to_async(make_contact)(professional, student)
    guest = await joined_user(open_ws, student)
    host_tab = await joined_user(open_ws, professional)
    await sync_to_async(services.room_invite)(
        host=professional, room_id=room.pk, user_id=student.pk
    )
    # The host's other tabs move the guest to their "Invited" list.
    told = await next_of(host_tab, "room.invite.created")
    assert told["topic"] == f"user:{professional.pk}"
    assert told["data"] == {
        "room": room.pk,
        "user": {"id": student.pk, "name": student.display_name, "role": "student"},
    }
    pushed = await next_of(guest, "room.invited")
    assert pushed["topic"] == f"user:{student.pk}"
    assert pushed["data"]["room"]["title"] == "Nursing at night"
    assert pushed["data"]["room"]["url"] == f"/rooms/{room.pk}/"
    assert pushed["data"]["by"] == {
        "id": professional.pk,
        "name": professional.display_name,
        "role": "professional",
    }
    assert (await next_of(guest, "notification"))["data"]["kind"] == "room_invitation"
    # Once: inviting again tells nobody.
    await sync_to_async(services.room_invite)(
        host=professional, room_id=room.pk, user_id=student.pk
    )
    assert await guest.silent(0.3)
    assert await host_tab.silent(0.1)


def _panel(page: str) -> str:
    return page.split("data-room-invites")[1].split("</section>")[0]


@pytest.mark.django_db
def test_the_host_page_lists_contacts_to_invite(
    client: Client, professional: Any, student: Any, make_user: Any
) -> None:
    room = make_room(professional, visibility=Visibility.INVITE)
    invited = make_user(role="student", birth_year=2010, display_name="Zoé Already")
    gone = make_user(role="student", birth_year=2010, display_name="Gone Student")
    stranger = make_user(role="student", birth_year=2010, display_name="Never Wrote")
    for contact in (student, invited, gone):
        make_contact(professional, contact)
    services.room_invite(host=professional, room_id=room.pk, user_id=invited.pk)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    page = english(client, professional).get(f"/rooms/{room.pk}/").content.decode()
    panel = _panel(page)
    candidates, invited_part = panel.split('id="room-invited-title"')
    assert student.display_name in candidates
    assert f'aria-label="Invite {student.display_name}"' in candidates
    assert f'data-room-invite="{student.pk}"' in candidates and "Student" in candidates
    assert "Zoé Already" in invited_part and "Zoé Already" not in candidates
    assert stranger.display_name not in panel and "Gone Student" not in panel
    assert re.search(r'data-csrf="[^"]+"', panel)
    assert f'data-api="/api/rooms/{room.pk}/invites/"' in panel
    assert "rooms/invites.js" in page and 'id="room-labels"' in page

    # Before the room opens the host can invite already; a guest never sees the panel, and
    # nobody does once the room has ended.
    later = make_room(professional, starts_at=room.starts_at + dt.timedelta(days=2))
    early = client.get(f"/rooms/{later.pk}/").content.decode()
    assert 'data-room-closed="not_open"' in early and student.display_name in _panel(early)
    english(client, student)
    assert "data-room-invites" not in client.get(f"/rooms/{later.pk}/").content.decode()
    services.room_end(user=professional, room_id=room.pk)
    english(client, professional)
    assert "data-room-invites" not in client.get(f"/rooms/{room.pk}/").content.decode()


@pytest.mark.django_db
def test_the_list_marks_invitations_and_every_page_listens_for_them(
    client: Client, professional: Any, student: Any
) -> None:
    mine = make_room(professional, title="For you", visibility=Visibility.INVITE)
    other = make_room(professional, title="For everyone")
    make_contact(professional, student)
    services.room_invite(host=professional, room_id=mine.pk, user_id=student.pk)
    page = english(client, student).get("/rooms/").content.decode()
    card = page.split(f'data-room-card="{mine.pk}"')[1].split("</li>")[0]
    assert "You are invited" in card and "Invitation only" not in card
    assert "You are invited" not in page.split(f'data-room-card="{other.pk}"')[1].split("</li>")[0]
    # The notice of a new invitation is on every signed-in page, and only there.
    assert "data-room-invite-notices" in page and "rooms/invited.js" in page
    assert "data-room-invite-notices" in client.get("/home/").content.decode()
    client.logout()
    assert "data-room-invite-notices" not in client.get("/login/").content.decode()


def _waiting(page: str) -> list[dict[str, Any]]:
    """The invitations a page hands to rooms/static/rooms/invited.js."""
    found = re.search(
        r'<script id="room-invitations-waiting" type="application/json">(.*?)</script>', page
    )
    assert found, "the page carries no waiting invitations"
    waiting: list[dict[str, Any]] = json.loads(found[1])
    return waiting


@pytest.mark.django_db
def test_an_invitation_waits_on_every_page_until_followed_or_dismissed(
    api_client: Any, client: Client, professional: Any, student: Any, make_user: Any
) -> None:
    """A guest who was away when invited finds the notice on the next page they open."""
    first = make_room(professional, title="First", visibility=Visibility.INVITE)
    second = make_room(professional, title="Second")
    ended = make_room(professional, title="Ended")
    make_contact(professional, student)
    for room in (first, second, ended):
        services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)
    services.room_end(user=professional, room_id=ended.pk)

    page = english(client, student).get("/home/").content.decode()
    waiting = _waiting(page)
    assert [notice["room"]["title"] for notice in waiting] == ["Second", "First"]  # newest first
    assert waiting[0]["by"]["id"] == professional.pk
    assert waiting[0]["room"]["url"] == f"/rooms/{second.pk}/"
    assert 'data-dismiss-api="/api/rooms/0/invitation/dismiss/"' in page
    assert _waiting(english(Client(), professional).get("/home/").content.decode()) == []

    # Dismissed (twice is fine): gone from every page; the room list still marks it.
    api_client.force_authenticate(student)
    for _attempt in range(2):
        dismissed = api_client.post(f"/api/rooms/{second.pk}/invitation/dismiss/")
        assert dismissed.status_code == 204
    assert [n["room"]["title"] for n in _waiting(client.get("/home/").content.decode())] == [
        "First"
    ]
    assert "You are invited" in client.get("/rooms/").content.decode()

    # Followed: once the guest has been in the room, its notice is done with too.
    services.peer_join(
        user=professional, room_id=first.pk, peer_id="h", channel_name="c-h", now=first.starts_at
    )
    services.peer_join(
        user=student, room_id=first.pk, peer_id="s", channel_name="c-s", now=first.starts_at
    )
    assert _waiting(client.get("/home/").content.decode()) == []


@pytest.mark.django_db
def test_dismissing_an_invitation_one_does_not_have_is_404_and_changes_nothing(
    api_client: Any, professional: Any, student: Any, make_user: Any
) -> None:
    room = make_room(professional)
    make_contact(professional, student)
    services.room_invite(host=professional, room_id=room.pk, user_id=student.pk)
    other = make_user(role="student", birth_year=2010)
    api_client.force_authenticate(other)
    refused = api_client.post(f"/api/rooms/{room.pk}/invitation/dismiss/")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert RoomInvite.objects.get(room=room, user=student).dismissed_at is None
    api_client.force_authenticate(None)
    assert api_client.post(f"/api/rooms/{room.pk}/invitation/dismiss/").status_code in (401, 403)
