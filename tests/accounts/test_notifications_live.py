"""Every kind of notification reaches the right user: a row, a live `notification` push on
their `user:` topic (a real WebSocket client on the ASGI app), and the API lists it."""

import datetime as dt
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.notifications.models import Notification
from accounts.notifications.service import notify
from accounts.notifications.sweeps import notifications_send_due
from chat import services as chat
from rooms.models import Visibility
from rooms.services.invites import room_invite
from rooms.services.lifecycle import room_create
from safeguarding.services import report_close, report_create
from scheduling.models import Mode, Slot, WindowKind
from scheduling.services import (
    availability_window_add,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from tests.chat.conftest import open_conversation
from tests.realtime import conftest as realtime_fixtures
from tests.realtime.conftest import OpenWs, WsClient, joined_user

# The gateway's test fixtures (tests/realtime/conftest.py), for the tests below.
channel_layer = realtime_fixtures.channel_layer
open_ws = realtime_fixtures.open_ws
thread_connections_closed = realtime_fixtures.thread_connections_closed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]


async def next_notification(client: WsClient, timeout: float = 5) -> dict[str, Any]:
    """The next `notification` push, skipping the app's own pushes on the user topic."""
    while True:
        message = await client.push(timeout)
        if message["type"] == "notification":
            return message


async def listed(user: Any) -> dict[str, Any]:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    response = await sync_to_async(client.get)("/api/notifications/")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def assert_delivered(client: WsClient, user: Any, kind: str) -> dict[str, Any]:
    """The push arrived on `user`'s topic, and the API lists the same notification first."""
    push = await next_notification(client)
    assert push["topic"] == f"user:{user.pk}"
    data: dict[str, Any] = push["data"]
    assert data["kind"] == kind and data["read"] is False and data["text"]
    page = await listed(user)
    assert page["results"][0]["id"] == data["id"]
    assert page["results"][0]["kind"] == kind
    assert set(page["results"][0]) >= {"id", "kind", "data", "created_at", "read"}
    assert page["unread"] == data["unread"]
    return data


async def test_contact_request_acceptance_and_messages_while_away(
    open_ws: OpenWs, student: Any, professional: Any, settings: Any
) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 10_000
    pro_ws = await joined_user(open_ws, professional)
    student_ws = await joined_user(open_ws, student)

    request = await sync_to_async(chat.contact_request_create)(
        student=student, professional=professional, message="May I ask about your job?"
    )
    asked = await assert_delivered(pro_ws, professional, "contact_requested")
    assert asked["data"]["request"] == request.pk
    assert asked["data"]["name"] == student.display_name
    assert asked["unread"] == 1

    accepted = await sync_to_async(chat.contact_request_accept)(
        professional=professional, request_id=request.pk
    )
    conversation = accepted.conversation
    assert conversation is not None
    got = await assert_delivered(student_ws, student, "contact_accepted")
    assert got["data"]["conversation"] == conversation.pk
    assert got["url"] == f"/chats/{conversation.pk}/"

    # The professional answers twice: one "new messages" notice for the student, not two.
    for body in ("Of course!", "Ask away."):
        await sync_to_async(chat.message_send)(
            author=professional, conversation=conversation, body=body, client_id=body
        )
    away = await assert_delivered(student_ws, student, "message_while_away")
    assert away["data"]["name"] == professional.display_name

    def notices() -> list[tuple[int, bool]]:
        rows = Notification.objects.filter(user=student, kind="message_while_away")
        return [(note.data["conversation"], note.read_at is not None) for note in rows]

    assert await sync_to_async(notices)() == [(conversation.pk, False)]
    # The accepting professional was not told about the request's own message.
    mine = await sync_to_async(
        Notification.objects.filter(
            user=professional, kind="message_while_away", read_at=None
        ).exists
    )()
    assert not mine

    # Reading the conversation reads its notice; the next message makes a new one.
    await sync_to_async(chat.membership_mark_read)(
        user=student, conversation=conversation, seq=conversation.last_seq + 10
    )
    assert await sync_to_async(notices)() == [(conversation.pk, True)]
    await sync_to_async(chat.message_send)(
        author=professional, conversation=conversation, body="Still there?", client_id="3"
    )
    await assert_delivered(student_ws, student, "message_while_away")
    assert sorted(await sync_to_async(notices)()) == [
        (conversation.pk, False),
        (conversation.pk, True),
    ]


def _slots(professional: Any) -> list[Slot]:
    day = (timezone.now() + dt.timedelta(days=4)).date()
    window = availability_window_add(
        professional=professional,
        kind=WindowKind.ONE_OFF,
        start_date=day,
        start_time=dt.time(17, 0),
        end_time=dt.time(18, 0),
        slot_minutes=30,
        capacity=1,
        mode=Mode.IN_PERSON,
        address="Rue Haute 1, 1000 Bruxelles",
    )
    return list(Slot.objects.filter(window=window).order_by("starts_at"))


async def test_bookings_made_moved_and_cancelled_tell_the_other_side(
    open_ws: OpenWs, make_user: Any, professional: Any
) -> None:
    student = await sync_to_async(make_user)(role="student", birth_year=2009, email="s@example.org")
    first, second = await sync_to_async(_slots)(professional)
    pro_ws = await joined_user(open_ws, professional)
    student_ws = await joined_user(open_ws, student)

    booking = await sync_to_async(booking_create)(student=student, slot_id=first.pk)
    made = await assert_delivered(pro_ws, professional, "booking_made")
    assert made["data"]["booking"] == booking.pk
    assert made["url"] == f"/meetings/{booking.pk}/"

    await sync_to_async(booking_reschedule)(
        student=student, booking_id=booking.pk, slot_id=second.pk
    )
    moved = await assert_delivered(pro_ws, professional, "booking_rescheduled")
    assert dt.datetime.fromisoformat(moved["data"]["starts_at"]) == second.starts_at

    await sync_to_async(booking_cancel)(user=professional, booking_id=booking.pk, reason="Ill")
    cancelled = await assert_delivered(student_ws, student, "booking_cancelled")
    assert cancelled["data"]["name"] == professional.display_name

    # The actor is never notified of their own act.
    def kinds() -> list[str]:
        return list(Notification.objects.filter(user=student).values_list("kind", flat=True))

    assert await sync_to_async(kinds)() == ["booking_cancelled"]


async def test_room_invitation_and_starting_soon(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    await sync_to_async(open_conversation)(student, professional)
    start = timezone.now() + dt.timedelta(minutes=5)
    room = await sync_to_async(room_create)(
        host=professional, title="Ask a nurse", starts_at=start, visibility=Visibility.INVITE
    )
    student_ws = await joined_user(open_ws, student)
    pro_ws = await joined_user(open_ws, professional)

    await sync_to_async(room_invite)(host=professional, room_id=room.pk, user_id=student.pk)
    invited = await assert_delivered(student_ws, student, "room_invitation")
    assert invited["data"]["title"] == "Ask a nurse" and invited["url"] == f"/rooms/{room.pk}/"

    # Too early: nothing; within ROOM_STARTING_SOON_MINUTES: host and guest, once each.
    early = await sync_to_async(notifications_send_due)(now=start - dt.timedelta(minutes=30))
    assert early["notified"] == 0
    done = await sync_to_async(notifications_send_due)(now=start - dt.timedelta(minutes=9))
    assert done["notified"] == 2
    await assert_delivered(student_ws, student, "room_starting_soon")
    await assert_delivered(pro_ws, professional, "room_starting_soon")
    again = await sync_to_async(notifications_send_due)(now=start - dt.timedelta(minutes=8))
    assert again["notified"] == 0


async def test_report_handled_tells_the_reporter_without_the_resolution(
    open_ws: OpenWs, student: Any, professional: Any, make_user: Any
) -> None:
    conversation = await sync_to_async(open_conversation)(student, professional)
    moderator = await sync_to_async(make_user)(role="moderator")
    report = await sync_to_async(report_create)(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=None,
        reason="other",
    )
    student_ws = await joined_user(open_ws, student)
    await sync_to_async(report_close)(
        moderator=moderator, report_id=report.pk, resolution="Account suspended"
    )
    handled = await assert_delivered(student_ws, student, "report_handled")
    assert handled["data"] == {"report": report.pk}
    assert "suspended" not in handled["text"]


@pytest.mark.parametrize("kind", ["event_reminder", "verification_changed"])
async def test_kinds_called_by_later_features_are_delivered(
    open_ws: OpenWs, professional: Any, kind: str
) -> None:
    client = await joined_user(open_ws, professional)
    start = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    await sync_to_async(notify)(
        user_id=professional.pk, kind=kind, data={"title": "Job fair", "starts_at": start}
    )
    await assert_delivered(client, professional, kind)


async def test_reading_pushes_the_new_count_to_every_tab(
    open_ws: OpenWs, student: Any, make_user: Any
) -> None:
    other = await sync_to_async(make_user)(role="student", birth_year=2010)
    tab = await joined_user(open_ws, student)
    notes = []
    for _ in range(3):
        notes.append(
            await sync_to_async(notify)(user_id=student.pk, kind="report_handled", data={})
        )
        await next_notification(tab)
    stranger = await sync_to_async(notify)(user_id=other.pk, kind="report_handled", data={})

    client = APIClient()
    client.force_authenticate(student)
    # Someone else's id is ignored; one's own is marked.
    response = await sync_to_async(client.post)(
        "/api/notifications/read/", {"ids": [notes[0].pk, stranger.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"unread": 2}
    read = await tab.push()
    while read["type"] != "notification.read":
        read = await tab.push()
    assert read["data"] == {"unread": 2}
    assert await sync_to_async(Notification.objects.filter(pk=stranger.pk, read_at=None).exists)()

    response = await sync_to_async(client.post)(
        "/api/notifications/read/", {"all": True}, format="json"
    )
    assert response.json() == {"unread": 0}
    read = await tab.push()
    while read["type"] != "notification.read":
        read = await tab.push()
    assert read["data"] == {"unread": 0}
    page = await listed(student)
    assert page["unread"] == 0 and all(row["read"] for row in page["results"])


async def test_the_live_text_speaks_the_readers_language(
    open_ws: OpenWs, professional: Any, student: Any
) -> None:
    """A Dutch-speaking professional hears of a French student's request in Dutch, while the
    site's default (and the actor's language) is French; a French reader is the control."""

    def prefer(user: Any, language: str) -> None:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])

    await sync_to_async(prefer)(professional, "nl")
    client = await joined_user(open_ws, professional)
    await sync_to_async(notify)(
        user_id=professional.pk, kind="contact_requested", data={"name": "Léa"}
    )
    assert (await next_notification(client))["data"][
        "text"
    ] == "Léa wil graag met u in contact komen."

    await sync_to_async(prefer)(student, "fr")
    other = await joined_user(open_ws, student)
    await sync_to_async(notify)(user_id=student.pk, kind="contact_requested", data={"name": "Léa"})
    french = (await next_notification(other))["data"]["text"]
    assert french != "Léa wil graag met u in contact komen." and "Léa" in french
