"""The scheduling pages, server-rendered: availability editor, slots, booking, my meetings."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from scheduling.models import AvailabilityWindow, BlockedDate, Booking, BookingStatus, Slot
from tests.scheduling.conftest import DASH, local_day, new_user, slots_of

pytestmark = pytest.mark.django_db

# A first in-person one-to-one meeting needs the student's note (scheduling/views/student.py).
INTRO = {"note": "Hello, I am in my fourth year and curious about your job."}

Window = Callable[..., AvailabilityWindow]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_pages_need_login(open_window: Window, pro: User) -> None:
    slot = slots_of(open_window())[0]
    for path in (
        "/meetings/",
        "/meetings/availability/",
        f"/meetings/pro/{pro.pk}/",
        f"/meetings/slots/{slot.pk}/book/",
    ):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_availability_page_lists_windows_days_off_and_the_calendar(
    open_window: Window, pro: User, pupil: User
) -> None:
    booked, _free = slots_of(open_window(days_ahead=2))
    signed_in(pupil).post(f"/meetings/slots/{booked.pk}/book/", INTRO)
    page = signed_in(pro).get("/meetings/availability/")
    assert page.status_code == 200
    body = text(page)
    assert "Your availability" in body
    assert "Europe/Brussels" in body
    assert f"18:00{DASH}19:00" in body  # the window
    assert "Yanis Student" in body  # who booked, in the calendar
    assert "Free" in body
    assert "Students cannot book you yet" not in body


def test_students_have_no_availability_page(pupil: User) -> None:
    assert signed_in(pupil).get("/meetings/availability/").status_code == 404


def test_a_professional_adds_a_weekly_window_through_the_form(pro: User) -> None:
    response = signed_in(pro).post(
        "/meetings/availability/windows/weekly/add/",
        {
            "weekly-weekday": "2",
            "weekly-start_time": "17:00",
            "weekly-end_time": "18:30",
            "weekly-slot_minutes": "45",
            "weekly-capacity": "2",
            "weekly-mode": "virtual",
            "weekly-address": "",
            "weekly-start_date": "",
            "weekly-end_date": "",
        },
    )
    assert response.status_code == 302
    window = AvailabilityWindow.objects.get()
    assert (window.weekday, window.slot_minutes, window.capacity, window.mode) == (
        2,
        45,
        2,
        "virtual",
    )
    assert Slot.objects.filter(window=window).count() > 20


def test_a_bad_window_shows_errors_tied_to_fields_and_changes_nothing(pro: User) -> None:
    response = signed_in(pro).post(
        "/meetings/availability/windows/one_off/add/",
        {
            "once-date": local_day(3).isoformat(),
            "once-start_time": "19:00",
            "once-end_time": "18:00",
            "once-slot_minutes": "30",
            "once-capacity": "1",
            "once-mode": "in_person",
            "once-address": "",
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert 'role="alert"' in body
    assert "The end must be after the start." in body
    assert 'aria-describedby="id_once-end_time_error"' in body
    assert '<details class="sched-details" id="add-once" open>' in body
    assert not AvailabilityWindow.objects.exists()


def test_days_off_and_rules_through_the_forms(pro: User, open_window: Window) -> None:
    open_window(days_ahead=4)
    client = signed_in(pro)
    day = local_day(4).isoformat()
    assert (
        client.post(
            "/meetings/availability/days-off/", {"blocked-date": day, "blocked-note": "Trip"}
        ).status_code
        == 302
    )
    blocked = BlockedDate.objects.get()
    again = client.post("/meetings/availability/days-off/", {"blocked-date": day})
    assert again.status_code == 400
    assert "This day is already blocked." in text(again)
    assert client.post(f"/meetings/availability/days-off/{blocked.pk}/remove/").status_code == 302
    assert not BlockedDate.objects.exists()
    rules = client.post(
        "/meetings/availability/rules/", {"min_notice_hours": "48", "horizon_days": "30"}
    )
    assert rules.status_code == 302
    assert pro.booking_rules.min_notice_minutes == 48 * 60
    bad = client.post(
        "/meetings/availability/rules/", {"min_notice_hours": "-2", "horizon_days": "30"}
    )
    assert bad.status_code == 400


def test_a_student_sees_free_slots_by_day_and_books_in_two_clicks(
    open_window: Window, pro: User, pupil: User
) -> None:
    window = open_window(days_ahead=3)
    first = slots_of(window)[0]
    client = signed_in(pupil)
    page = client.get(f"/meetings/pro/{pro.pk}/")
    assert page.status_code == 200
    body = text(page)
    assert "Book a meeting with Camille Pro" in body
    assert "2 free slots" in body
    assert 'role="status" aria-live="polite"' in body
    assert f'href="/meetings/slots/{first.pk}/book/"' in body
    # Click 1: the confirmation page. Click 2: the booking.
    confirm = client.get(f"/meetings/slots/{first.pk}/book/")
    assert "Confirm the booking" in text(confirm)
    assert not Booking.objects.exists()
    done = client.post(f"/meetings/slots/{first.pk}/book/", INTRO)
    booking = Booking.objects.get()
    assert done["Location"] == f"/meetings/{booking.pk}/"
    detail = text(client.get(done["Location"]))
    assert "Meeting with Camille Pro" in detail
    assert f'href="/api/bookings/{booking.pk}/ics"' in detail
    assert "Booked! You will find it in My meetings." in detail
    meetings = text(client.get("/meetings/"))
    assert "With Camille Pro" in meetings
    assert "Rue Haute 1, 1000 Bruxelles" in meetings


def test_the_slot_times_follow_the_students_time_zone(
    open_window: Window, pro: User, make_student: Callable[..., User]
) -> None:
    open_window(days_ahead=3)
    tokyo = make_student(time_zone="Asia/Tokyo")
    body = text(signed_in(tokyo).get(f"/meetings/pro/{pro.pk}/"))
    assert "Asia/Tokyo" in body
    # 18:00 in Brussels is 02:00 the next day in Tokyo (winter) or 01:00 (summer).
    assert f"02:00{DASH}02:30" in body or f"01:00{DASH}01:30" in body


def test_a_failed_booking_goes_back_with_a_message(
    open_window: Window, pupil: User, make_student: Callable[..., User]
) -> None:
    slot = slots_of(open_window())[0]
    assert (
        signed_in(make_student()).post(f"/meetings/slots/{slot.pk}/book/", INTRO).status_code == 302
    )
    response = signed_in(pupil).post(f"/meetings/slots/{slot.pk}/book/", INTRO, follow=True)
    assert "This slot is full." in text(response)
    assert Booking.objects.count() == 1


def test_a_virtual_meeting_links_its_room(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window(mode="virtual"))[0]
    signed_in(pupil).post(f"/meetings/slots/{slot.pk}/book/", INTRO)
    slot.refresh_from_db()
    page = signed_in(pupil).get("/meetings/").content.decode()
    assert slot.room_id is not None
    assert f'href="/rooms/{slot.room_id}/"' in page
    assert "Join the online room" in text(signed_in(pupil).get("/meetings/"))


def test_cancel_with_a_reason_through_the_page(open_window: Window, pupil: User, pro: User) -> None:
    slot = slots_of(open_window())[0]
    client = signed_in(pupil)
    client.post(f"/meetings/slots/{slot.pk}/book/", INTRO)
    booking = Booking.objects.get()
    empty = client.post(f"/meetings/{booking.pk}/cancel/", {"reason": ""})
    assert empty.status_code == 400
    assert "This field is required." in text(empty)
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    done = client.post(f"/meetings/{booking.pk}/cancel/", {"reason": "School trip"})
    assert done.status_code == 302
    assert Booking.objects.get().cancel_reason == "School trip"
    pro_view = text(signed_in(pro).get("/meetings/"))
    assert "Cancelled" in pro_view and "Reason: School trip" in pro_view


def test_reschedule_through_the_pages(open_window: Window, pupil: User) -> None:
    first, second = slots_of(open_window())
    client = signed_in(pupil)
    client.post(f"/meetings/slots/{first.pk}/book/", INTRO)
    booking = Booking.objects.get()
    choices = text(client.get(f"/meetings/{booking.pk}/reschedule/"))
    assert f"/meetings/{booking.pk}/reschedule/{second.pk}/" in choices
    assert f"/meetings/{booking.pk}/reschedule/{first.pk}/" not in choices
    assert "Move my meeting" in text(client.get(f"/meetings/{booking.pk}/reschedule/{second.pk}/"))
    client.post(f"/meetings/{booking.pk}/reschedule/{second.pk}/")
    booking.refresh_from_db()
    assert (booking.slot_id, booking.sequence) == (second.pk, 1)


def test_strangers_see_404_on_someone_elses_meeting(
    open_window: Window, pupil: User, make_student: Callable[..., User]
) -> None:
    slot = slots_of(open_window())[0]
    signed_in(pupil).post(f"/meetings/slots/{slot.pk}/book/", INTRO)
    booking = Booking.objects.get()
    stranger = signed_in(make_student())
    for path in ("", "cancel/", "reschedule/"):
        assert stranger.get(f"/meetings/{booking.pk}/{path}").status_code == 404


def test_the_calendar_link_is_made_shown_and_revoked_on_my_meetings(pupil: User) -> None:
    client = signed_in(pupil)
    assert "Make my private link" in text(client.get("/meetings/"))
    client.post("/meetings/calendar-link/")
    body = text(client.get("/meetings/"))
    url = re.search(r'value="(http://testserver/meetings/feed/[^"]+\.ics)"', body)
    assert url is not None
    assert Client().get(url.group(1).removeprefix("http://testserver")).status_code == 200
    client.post("/meetings/calendar-link/revoke/")
    assert Client().get(url.group(1).removeprefix("http://testserver")).status_code == 404


def test_unverified_professionals_are_not_bookable_but_see_a_notice(
    make_user: Any, pupil: User
) -> None:
    newcomer = make_user(role="professional", verified=False, preferred_language="en")
    assert signed_in(pupil).get(f"/meetings/pro/{newcomer.pk}/").status_code == 404
    assert "Students cannot book you yet" in text(
        signed_in(newcomer).get("/meetings/availability/")
    )


def test_demo_slots_seed_is_idempotent(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    demo_pro = User.objects.get(username="demo-pro")
    windows = AvailabilityWindow.objects.count()
    slots = Slot.objects.count()
    assert AvailabilityWindow.objects.filter(professional=demo_pro).count() == 2
    assert windows >= 4 and slots > 50
    call_command("seed_demo")
    assert (AvailabilityWindow.objects.count(), Slot.objects.count()) == (windows, slots)


def test_extend_slots_command_is_idempotent(open_window: Window, pro: User) -> None:
    from scheduling.services import availability_window_add

    availability_window_add(
        professional=pro,
        kind="weekly",
        weekday=4,
        start_date=local_day(0),
        start_time=dt.time(9),
        end_time=dt.time(10),
        slot_minutes=60,
        capacity=1,
        mode="virtual",
    )
    before = Slot.objects.count()
    call_command("extend_slots")
    assert Slot.objects.count() == before
    assert new_user(role="student").pk  # the command touched no one else
