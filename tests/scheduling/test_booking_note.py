"""The student's note at booking (issue 19): stored and shown to both sides only, refused when
too long or holding a NUL, required by the booking page before a first in-person one-to-one
meeting, and shown (escaped) on the professional's agenda and in their e-mail."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from chat.services import contact_request_accept, contact_request_create
from scheduling.errors import InvalidRequest
from scheduling.models import AvailabilityWindow, Booking, Mode, Slot
from scheduling.services import booking_create
from tests.scheduling.conftest import client_for, error_code, slots_of

pytestmark = pytest.mark.django_db

Window = Callable[..., AvailabilityWindow]
LABEL = "What would you like to ask or see?"
WHY = "introduce yourself in a few words so they know who is coming"
REQUIRED = "Introduce yourself before a first meeting in person."


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def book_api(user: User, slot: Slot, **extra: Any) -> Any:
    return client_for(user).post("/api/bookings/", {"slot": slot.pk, **extra}, format="json")


def book_page(user: User, slot: Slot, note: str | None = None) -> Any:
    data = {} if note is None else {"note": note}
    return signed_in(user).post(f"/meetings/slots/{slot.pk}/book/", data)


def textarea(body: str) -> str:
    """The note's <textarea ...> tag."""
    found = re.search(r"<textarea[^>]*>", body)
    assert found is not None
    return found.group(0)


def befriend(student: User, professional: User) -> None:
    """The real way to a conversation: a contact request, accepted."""
    request = contact_request_create(
        student=student, professional=professional, message="Hello, may I ask you something?"
    )
    contact_request_accept(professional=professional, request_id=request.pk)


# --- API -----------------------------------------------------------------------------------


def test_a_note_is_stored_trimmed_and_shown_to_both_sides_only(
    open_window: Window, pro: User, pupil: User, make_student: Callable[..., User]
) -> None:
    slot = slots_of(open_window())[0]
    response = book_api(pupil, slot, note="  Can I see a real building site?  ")
    assert response.status_code == 201
    note = "Can I see a real building site?"
    assert response.json()["note"] == note
    booking = Booking.objects.get()
    assert booking.note == note
    for user in (pupil, pro):
        client = client_for(user)
        assert client.get(f"/api/bookings/{booking.pk}/").json()["note"] == note
        assert [b["note"] for b in client.get("/api/bookings/").json()["results"]] == [note]
    calendar = client_for(pro).get("/api/availability/calendar/").json()
    assert [b["note"] for s in calendar for b in s["bookings"]] == [note]
    # Anyone else: no such booking, and nothing of it in their lists.
    other = client_for(make_student())
    assert other.get(f"/api/bookings/{booking.pk}/").status_code == 404
    assert other.get("/api/bookings/").json()["results"] == []


def test_the_fixed_api_books_without_a_note_even_a_first_meeting_in_person(
    open_window: Window, pupil: User
) -> None:
    slot = slots_of(open_window(mode=Mode.IN_PERSON, capacity=1))[0]
    response = book_api(pupil, slot)
    assert response.status_code == 201
    assert response.json()["note"] == ""
    assert Booking.objects.get().note == ""


@pytest.mark.parametrize(
    "note",
    ["x" * 501, "Hello\x00there", "  " + "y" * 500 + "y  "],
    ids=["too-long", "nul", "too-long-after-trimming"],
)
def test_a_bad_note_is_refused_and_nothing_is_booked(
    open_window: Window, pupil: User, note: str
) -> None:
    slot = slots_of(open_window())[0]
    mail.outbox.clear()
    response = book_api(pupil, slot, note=note)
    assert response.status_code == 400
    assert error_code(response) == "bad_request"
    assert list(response.json()["error"]["fields"]) == ["note"]
    assert not Booking.objects.exists()
    slot.refresh_from_db()
    assert slot.booked_count == 0
    assert mail.outbox == []
    # Positive control: 500 characters, once trimmed, are fine.
    assert book_api(pupil, slot, note="  " + "z" * 500 + "\n").status_code == 201


def test_the_service_refuses_what_the_serializer_would_let_through(
    open_window: Window, pupil: User
) -> None:
    """The service checks the note itself, for callers other than the API (the pages)."""
    slot = slots_of(open_window())[0]
    for note in ("a\x00b", "q" * 501):
        with pytest.raises(InvalidRequest) as refused:
            booking_create(student=pupil, slot_id=slot.pk, note=note)
        assert refused.value.field == "note"
    assert not Booking.objects.exists()


# --- The booking page ----------------------------------------------------------------------


def test_the_page_requires_a_note_before_a_first_meeting_in_person(
    open_window: Window, pro: User, pupil: User
) -> None:
    slot = slots_of(open_window(mode=Mode.IN_PERSON, capacity=1))[0]
    page = signed_in(pupil).get(f"/meetings/slots/{slot.pk}/book/")
    body = page.content.decode()
    assert LABEL in body and WHY in body
    assert " required" in textarea(body)
    for note in (None, "   "):
        refused = book_page(pupil, slot, note)
        assert refused.status_code == 400
        assert REQUIRED in refused.content.decode()
        assert not Booking.objects.exists()
    done = book_page(pupil, slot, "Hi, I am Yanis, 4th year. Can I see your workshop?")
    assert done.status_code == 302
    assert Booking.objects.get().note == "Hi, I am Yanis, 4th year. Can I see your workshop?"


def test_no_note_is_required_once_the_two_have_a_conversation(
    open_window: Window, pro: User, pupil: User
) -> None:
    slot = slots_of(open_window(mode=Mode.IN_PERSON, capacity=1))[0]
    befriend(pupil, pro)
    page = signed_in(pupil).get(f"/meetings/slots/{slot.pk}/book/").content.decode()
    assert LABEL in page
    assert WHY not in page
    assert " required" not in textarea(page)
    assert book_page(pupil, slot).status_code == 302
    assert Booking.objects.get().note == ""


@pytest.mark.parametrize(
    ("mode", "capacity"), [(Mode.VIRTUAL, 1), (Mode.IN_PERSON, 3)], ids=["virtual", "group"]
)
def test_no_note_is_required_online_or_in_a_group(
    open_window: Window, pupil: User, mode: str, capacity: int
) -> None:
    slot = slots_of(open_window(mode=mode, capacity=capacity))[0]
    page = signed_in(pupil).get(f"/meetings/slots/{slot.pk}/book/").content.decode()
    assert LABEL in page and WHY not in page
    assert book_page(pupil, slot).status_code == 302
    assert Booking.objects.count() == 1


def test_a_bad_note_on_the_page_is_an_error_on_the_field(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window(mode=Mode.VIRTUAL))[0]
    response = book_page(pupil, slot, "n" * 501)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not Booking.objects.exists()


# --- The professional's agenda and e-mail --------------------------------------------------


def test_the_agenda_shows_the_note_and_the_name_escaped(
    open_window: Window, pro: User, make_student: Callable[..., User]
) -> None:
    student = make_student(display_name="Zoé <i>Z</i>")
    slot = slots_of(open_window())[0]
    note = "<script>alert(1)</script> & I'd like to see your tools"
    assert book_page(student, slot, note).status_code == 302
    booking = Booking.objects.get()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; I&#x27;d like to see your tools"
    for path in ("/meetings/", f"/meetings/{booking.pk}/"):
        body = signed_in(pro).get(path).content.decode()
        assert escaped in body, path
        assert "<script>alert(1)" not in body
        assert "Note from Zoé &lt;i&gt;Z&lt;/i&gt;" in body
    # The student sees it as theirs.
    assert "Your note" in signed_in(student).get("/meetings/").content.decode()


def test_the_agenda_shows_no_note_block_without_a_note(
    open_window: Window, pro: User, pupil: User
) -> None:
    slot = slots_of(open_window(mode=Mode.VIRTUAL))[0]
    assert book_page(pupil, slot).status_code == 302
    assert "sched-booking-note" not in signed_in(pro).get("/meetings/").content.decode()


def test_the_professionals_email_carries_the_note(
    open_window: Window,
    pro: User,
    pupil: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    slot = slots_of(open_window())[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = book_page(pupil, slot, "Hello, I am Yanis.\n<b>Can I</b> see the lab?")
    assert response.status_code == 302
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_pro = by_recipient[pro.email]
    assert to_pro.subject == "Yanis Student booked a meeting with you"
    # Plain text: the note verbatim (no HTML entities), each line quoted so it cannot pass
    # for the e-mail's own lines.
    assert "Note from Yanis Student:\n> Hello, I am Yanis.\n> <b>Can I</b> see the lab?\n" in (
        to_pro.body
    )
    assert "Your note:\n> Hello, I am Yanis." in by_recipient[pupil.email].body


def test_the_email_is_in_the_professionals_language(
    open_window: Window,
    pro: User,
    pupil: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    pro.preferred_language = "fr"
    pro.save(update_fields=["preferred_language"])
    slot = slots_of(open_window())[0]
    with django_capture_on_commit_callbacks(execute=True):
        book_page(pupil, slot, "Bonjour, je suis Yanis.")
    to_pro = next(message for message in mail.outbox if message.to == [pro.email])
    assert "> Bonjour, je suis Yanis." in to_pro.body
    assert "Bonjour Camille Pro" in to_pro.body  # the French greeting of the template
