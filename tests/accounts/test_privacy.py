"""Privacy (GDPR): `GET /api/me/export/` and `DELETE /api/me/` through the REST API, with
the data of every app that registers a section or an erasure step (accounts.privacy)."""

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.privacy import user_is_deleted
from chat import services as chat_services
from chat.models import ContactRequest, Message
from gallery.models import SavedProfile, WitnessProfile
from gallery.services import taxonomy_sync
from rooms.models import Question, Room, RoomStatus
from rooms.services import room_create
from safeguarding.services import report_create
from scheduling.models import Booking, BookingStatus, Mode, Slot, SlotStatus, WindowKind
from scheduling.services import availability_window_add, booking_create
from tests.chat.conftest import open_conversation
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_witness
from tests.realtime.conftest import (  # noqa: F401  (fixtures)
    OpenWs,
    channel_layer,
    joined_user,
    open_ws,
    thread_connections_closed,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def deleted_names() -> set[str]:
    """The name of a deleted user in each interface language (as locale/ has it today)."""
    names = set()
    for language in ("fr", "nl", "en"):
        with translation.override(language):
            names.add(translation.gettext("Deleted user"))
    return names


@pytest.fixture(autouse=True)
def _celery_eager(celery_eager: None) -> None:
    """Booking e-mails run in-process, also with REDIS_URL set (no worker in the tests)."""


def client_for(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def token_client(user: User) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def new_student(**fields: Any) -> User:
    defaults: dict[str, Any] = {"role": "student", "birth_year": 2010, "preferred_language": "en"}
    user: User = UserFactory.create(**{**defaults, **fields})
    return user


def new_professional(**fields: Any) -> User:
    defaults: dict[str, Any] = {"role": "professional", "verified": True}
    user: User = UserFactory.create(**{**defaults, **fields})
    return user


def open_slot(professional: User, *, days_ahead: int = 3) -> Slot:
    day = timezone.now().astimezone(BRUSSELS).date() + dt.timedelta(days=days_ahead)
    window = availability_window_add(
        professional=professional,
        kind=WindowKind.ONE_OFF,
        start_date=day,
        start_time=dt.time(18, 0),
        end_time=dt.time(19, 0),
        slot_minutes=30,
        capacity=1,
        mode=Mode.IN_PERSON,
        address="Rue Haute 1, 1000 Bruxelles",
    )
    return Slot.objects.filter(window=window).order_by("starts_at").first()  # type: ignore[return-value]


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A student and a professional who met on every feature, and a bystander pair."""
    taxonomy_sync()  # a transactional test before this one may have flushed the taxonomy
    student = new_student(
        username="lea-student", display_name="Léa Student", email="lea@example.org"
    )
    pro = new_professional(
        username="camille-pro", display_name="Camille Pro", email="camille@example.org"
    )
    profile = make_witness(pro, job_title="Nurse at night", sector="health")
    SavedProfile.objects.create(student=student, profile=profile)
    conversation = open_conversation(student, pro, message="Hello, I am curious!")
    chat_services.message_send(
        author=pro, conversation=conversation, body="Pro secret answer", client_id="p1"
    )
    chat_services.message_send(
        author=student, conversation=conversation, body="Student question two", client_id="s1"
    )
    booking = booking_create(student=student, slot_id=open_slot(pro).pk)
    report = report_create(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=None,
        reason="other",
        details="Just checking",
    )
    room = room_create(host=pro, title="Night shifts Q&A")
    Question.objects.create(room=room, author=student, body="Do you sleep in the day?")
    other_student = new_student(username="someone-else", email="else@example.org")
    other_pro = new_professional(username="other-pro")
    open_conversation(other_student, other_pro, message="Bystander words")
    return {
        "student": student,
        "pro": pro,
        "conversation": conversation,
        "booking": booking,
        "report": report,
        "room": room,
        "profile": profile,
    }


# --- export ----------------------------------------------------------------------------------


def test_the_export_holds_every_section_of_the_caller_and_nothing_of_others(
    world: dict[str, Any],
) -> None:
    student, pro = world["student"], world["pro"]
    response = client_for(student).get("/api/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="backstage-export-lea-student.json"'
    )
    data = json.loads(response.content)
    assert {
        "exported_at",
        "account",
        "profile",
        "messages",
        "contact_requests",
        "bookings",
        "slots",
        "rooms",
        "reports",
        "events",
    } <= set(data)
    assert data["account"]["username"] == "lea-student"
    assert data["account"]["email"] == "lea@example.org"
    assert data["account"]["birth_year"] == 2010
    assert data["events"] == []  # no events app yet
    assert [m["body"] for m in data["messages"]] == [
        "Hello, I am curious!",
        "Student question two",
    ]
    assert data["contact_requests"][0]["message"] == "Hello, I am curious!"
    assert [saved["profile"] for saved in data["profile"]["saved_profiles"]] == [
        world["profile"].pk
    ]
    assert [b["id"] for b in data["bookings"]] == [world["booking"].pk]
    assert data["bookings"][0]["as"] == "student"
    assert [r["id"] for r in data["reports"]] == [world["report"].pk]
    assert data["reports"][0]["details"] == "Just checking"
    assert data["rooms"]["questions"][0]["body"] == "Do you sleep in the day?"

    # Nothing of anyone else: not the other side's words, name, username or e-mail.
    text = response.content.decode()
    for foreign in (
        "Pro secret answer",
        "Bystander words",
        pro.display_name,
        pro.username,
        pro.email,
        "else@example.org",
        "someone-else",
        "Nurse at night",
    ):
        assert foreign not in text, foreign


def test_a_professional_exports_their_witness_profile_slots_and_hosted_rooms(
    world: dict[str, Any],
) -> None:
    data = client_for(world["pro"]).get("/api/me/export/").json()
    assert data["profile"]["witness"]["job_title"] == "Nurse at night"
    assert data["profile"]["witness"]["sector"] == "health"
    assert data["bookings"][0]["as"] == "professional"
    assert len(data["slots"]["windows"]) == 1 and len(data["slots"]["slots"]) == 2
    assert [room["title"] for room in data["rooms"]["hosted"]] == ["Night shifts Q&A"]
    assert [m["body"] for m in data["messages"]] == ["Pro secret answer"]
    assert data["contact_requests"][0]["message"] is None  # the student's words
    assert "Hello, I am curious!" not in json.dumps(data)


def test_the_export_needs_a_signed_in_caller(db: None) -> None:
    assert APIClient().get("/api/me/export/").status_code in (401, 403)


# --- deletion refused ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{"password": "not-my-password"}, {"password": ""}, {}])
def test_a_wrong_or_missing_password_changes_nothing(
    world: dict[str, Any], body: dict[str, str]
) -> None:
    student = world["student"]
    client = token_client(student)
    response = client.delete("/api/me/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert "password" in error["fields"]

    student.refresh_from_db()
    assert (student.username, student.email, student.is_active) == (
        "lea-student",
        "lea@example.org",
        True,
    )
    assert student.check_password(DEFAULT_PASSWORD)
    assert client.get("/api/me/").status_code == 200  # the token still works
    booking = Booking.objects.get(pk=world["booking"].pk)
    assert booking.status == BookingStatus.CONFIRMED
    assert SavedProfile.objects.filter(student=student).exists()


# --- deletion ---------------------------------------------------------------------------------


def test_deleting_anonymises_the_account_and_ends_its_access(world: dict[str, Any]) -> None:
    student = world["student"]
    token = token_client(student)
    other_session = Client()
    other_session.force_login(student)
    assert other_session.get("/api/me/").status_code == 200

    response = token.delete("/api/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 204

    student.refresh_from_db()
    assert user_is_deleted(student)
    assert student.username.startswith("deleted~") and "lea" not in student.username
    assert (student.email, student.birth_year, student.first_name, student.last_name) == (
        "",
        None,
        "",
        "",
    )
    assert "Léa" not in student.display_name
    assert student.is_active is False
    assert not student.has_usable_password()
    assert not Token.objects.filter(user=student).exists()
    # The token, a session opened elsewhere and the password: none works any more.
    assert token.get("/api/me/").status_code in (401, 403)
    assert other_session.get("/api/me/").status_code in (401, 403)
    login = APIClient().post(
        "/api/auth/token/", {"username": "lea-student", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert login.status_code in (400, 401)
    # Their profile data, saved list and contact requests are gone; their report stays.
    assert not SavedProfile.objects.filter(student=student).exists()
    assert not ContactRequest.objects.filter(student=student).exists()
    assert not Question.objects.filter(author=student).exists()
    world["report"].refresh_from_db()
    assert world["report"].reporter_id == student.pk
    # Messages stay (until retention).
    assert Message.objects.filter(author=student).count() == 2


def test_deleting_cancels_future_bookings_and_tells_the_professional(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    student, pro = world["student"], world["pro"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(student).delete(
            "/api/me/", {"password": DEFAULT_PASSWORD}, format="json"
        )
    assert response.status_code == 204
    booking = Booking.objects.get(pk=world["booking"].pk)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by_id == student.pk
    assert Slot.objects.get(pk=booking.slot_id).booked_count == 0
    # The professional's cancellation e-mail, as when a student cancels; none to the student.
    assert [message.to for message in mail.outbox] == [[pro.email]]
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


def test_a_deleted_professional_leaves_the_gallery_and_their_rooms_end(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    student, pro = world["student"], world["pro"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pro).delete("/api/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 204
    assert not WitnessProfile.objects.filter(user=pro).exists()
    room = Room.objects.get(pk=world["room"].pk)
    assert room.status == RoomStatus.ENDED and "Night" not in room.title
    booking = Booking.objects.get(pk=world["booking"].pk)
    assert booking.status == BookingStatus.CANCELLED
    assert [message.to for message in mail.outbox] == [[student.email]]
    assert not Slot.objects.filter(professional=pro, status=SlotStatus.OPEN).exists()
    search = client_for(student).get("/api/profiles/", {"q": "nurse"}).json()
    assert search["results"] == []


def test_messages_of_a_deleted_user_show_a_deleted_user_in_the_rest_history(
    world: dict[str, Any],
) -> None:
    student, pro, conversation = world["student"], world["pro"], world["conversation"]
    client_for(student).delete("/api/me/", {"password": DEFAULT_PASSWORD}, format="json")

    history = client_for(pro).get(f"/api/conversations/{conversation.pk}/messages/").json()
    authors = {m["body"]: m["author"] for m in history["results"]}
    assert authors["Student question two"] == {
        "id": student.pk,
        "name": "Deleted user",
        "role": "student",
    }
    assert authors["Pro secret answer"]["name"] == pro.display_name
    for language, name in (("fr", "fr"), ("nl", "nl")):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.force_authenticate(pro)
        results = client.get(f"/api/conversations/{conversation.pk}/messages/").json()["results"]
        with translation.override(name):
            expected = translation.gettext("Deleted user")
        assert results[0]["author"]["name"] == expected
    listed = client_for(pro).get("/api/conversations/").json()
    text = json.dumps(listed)
    assert "Léa" not in text and "lea-student" not in text


def test_deleting_twice_is_refused(world: dict[str, Any]) -> None:
    student = world["student"]
    from accounts.services.deletion import AccountDeletionError, account_delete

    account_delete(user=student, password=DEFAULT_PASSWORD)
    with pytest.raises(AccountDeletionError):
        account_delete(user=student, password=DEFAULT_PASSWORD)


def test_the_schema_documents_the_delete_body_and_the_export(db: None) -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    delete = schema["paths"]["/api/me/"]["delete"]
    body = delete["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert component["required"] == ["password"]
    assert "204" in delete["responses"] and "400" in delete["responses"]
    assert "200" in schema["paths"]["/api/me/export/"]["get"]["responses"]


# --- the WebSocket history --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_messages_of_a_deleted_user_show_a_deleted_user_in_the_ws_history(
    open_ws: OpenWs,  # noqa: F811  (the fixture imported above)
) -> None:
    student = await sync_to_async(new_student)(display_name="Léa Student")
    pro = await sync_to_async(new_professional)(display_name="Camille Pro")
    conversation = await sync_to_async(open_conversation)(student, pro, "Hi from Léa")

    # Before: the student's name. After deletion: "Deleted user", on a new join.
    bob = await joined_user(open_ws, pro)
    joined = await bob.request("join", conversation.topic)
    assert joined["data"]["history"][0]["author"]["name"] == "Léa Student"

    from accounts.services.deletion import account_delete

    own_socket = await joined_user(open_ws, student)
    await sync_to_async(account_delete)(user=student, password=DEFAULT_PASSWORD)
    # The account is deactivated: its live sockets close (realtime.sessions, 4403).
    assert await own_socket.closed_with(timeout=5) == 4403
    again = await joined_user(open_ws, pro)
    rejoined = await again.request("join", conversation.topic)
    assert rejoined["ok"], rejoined
    message = rejoined["data"]["history"][0]
    assert message["body"] == "Hi from Léa"
    assert message["author"]["id"] == student.pk
    assert message["author"]["name"] in deleted_names()
    members = rejoined["data"]["members"]
    assert {m["name"] for m in members if m["id"] == student.pk} <= deleted_names()
