"""The .ics files and the private calendar feed, parsed back with the `icalendar` library."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from accounts.models import User
from scheduling.models import AvailabilityWindow, Booking
from tests.scheduling.conftest import client_for, slots_of

pytestmark = pytest.mark.django_db

Window = Callable[..., AvailabilityWindow]


def parse(body: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def download(user: User, booking_id: int) -> Any:
    return client_for(user).get(f"/api/bookings/{booking_id}/ics")


def test_the_download_is_a_calendar_with_uid_sequence_and_zoned_times(
    open_window: Window, pupil: User, pro: User
) -> None:
    slot = slots_of(open_window())[0]
    booking_id = (
        client_for(pupil).post("/api/bookings/", {"slot": slot.pk}, format="json").json()["id"]
    )
    response = download(pupil, booking_id)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="backstage-meeting-{booking_id}.ics"'
    )
    calendar, event = parse(response.content)
    booking = Booking.objects.get(pk=booking_id)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == f"{booking.uid}@backstage"
    assert event.decoded("SEQUENCE") == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("DTSTART") == slot.starts_at
    assert event.decoded("DTEND") == slot.ends_at
    assert event.decoded("DTSTART").tzinfo == ZoneInfo("Europe/Brussels")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(event["SUMMARY"]) == "Backstage meeting with Camille Pro"
    assert str(event["LOCATION"]) == "Rue Haute 1, 1000 Bruxelles"
    # The professional's copy names the student instead.
    _calendar, theirs = parse(download(pro, booking_id).content)
    assert str(theirs["UID"]) == str(event["UID"])
    assert str(theirs["SUMMARY"]) == "Backstage meeting with Yanis Student"


def test_times_follow_the_viewers_zone(
    open_window: Window, make_student: Callable[..., User]
) -> None:
    tokyo = make_student(time_zone="Asia/Tokyo")
    slot = slots_of(open_window())[0]
    booking_id = (
        client_for(tokyo).post("/api/bookings/", {"slot": slot.pk}, format="json").json()["id"]
    )
    _calendar, event = parse(download(tokyo, booking_id).content)
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTSTART") == slot.starts_at  # the same instant


def test_cancelling_sends_method_cancel_with_the_same_uid_and_a_higher_sequence(
    open_window: Window,
    pupil: User,
    pro: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    slot = slots_of(open_window())[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking_id = (
            client_for(pupil).post("/api/bookings/", {"slot": slot.pk}, format="json").json()["id"]
        )
    created = {m.to[0]: m for m in mail.outbox}
    _cal, first = parse(created[pro.email].attachments[0][1].encode())
    assert _cal["METHOD"] == "REQUEST"
    assert str(first["ORGANIZER"]).startswith("mailto:")
    assert str(first["ATTENDEE"]) == f"mailto:{pro.email}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(pupil).post(
            f"/api/bookings/{booking_id}/cancel/", {"reason": "Sick"}, format="json"
        )
    cancelled = {m.to[0]: m for m in mail.outbox}
    assert set(cancelled) == {pupil.email, pro.email}
    filename, content, mimetype = cancelled[pro.email].attachments[0]
    assert filename == "meeting.ics"
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    calendar, event = parse(content.encode())
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == str(first["UID"])
    assert event.decoded("SEQUENCE") == 1 > first.decoded("SEQUENCE")
    assert event["STATUS"] == "CANCELLED"
    assert "Sick" in str(event["DESCRIPTION"])
    assert "Yanis Student cancelled this meeting." in cancelled[pro.email].body
    # The download now says the same.
    calendar, event = parse(download(pupil, booking_id).content)
    assert (calendar["METHOD"], event.decoded("SEQUENCE")) == ("CANCEL", 1)


def test_rescheduling_sends_a_request_with_the_same_uid_and_the_new_times(
    open_window: Window, pupil: User, pro: User, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = slots_of(open_window())
    booking_id = (
        client_for(pupil).post("/api/bookings/", {"slot": first.pk}, format="json").json()["id"]
    )
    uid = f"{Booking.objects.get(pk=booking_id).uid}@backstage"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(pupil).post(
            f"/api/bookings/{booking_id}/reschedule/", {"slot": second.pk}, format="json"
        )
    message = next(m for m in mail.outbox if m.to == [pro.email])
    calendar, event = parse(message.attachments[0][1].encode())
    assert calendar["METHOD"] == "REQUEST"
    assert (str(event["UID"]), event.decoded("SEQUENCE")) == (uid, 1)
    assert event.decoded("DTSTART") == second.starts_at
    assert event.decoded("DTEND") == second.ends_at
    local = first.starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"It was on {local:%A} {local.day} {local:%B %Y}, {local:%H:%M}" in message.body


def test_e_mails_speak_the_recipients_language_and_zone(
    open_window: Window,
    make_student: Callable[..., User],
    pro: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    slot = slots_of(open_window())[0]
    visitor = make_student(time_zone="America/New_York", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(visitor).post("/api/bookings/", {"slot": slot.pk}, format="json")
    message = next(m for m in mail.outbox if m.to == [visitor.email])
    local = slot.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"When: {local:%A} {local.day} {local:%B %Y}, {local:%H:%M}" in message.body
    assert message.subject == "Booked: your meeting with Camille Pro"


def test_nobody_without_an_address_gets_mail(
    open_window: Window, make_student: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    quiet = make_student(email="")
    User.objects.filter(role="professional").update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(quiet).post(
            "/api/bookings/", {"slot": slots_of(open_window())[0].pk}, format="json"
        )
    assert response.status_code == 201
    assert mail.outbox == []


# --- The private feed --------------------------------------------------------------------------


def test_the_feed_url_is_private_revocable_and_lists_confirmed_meetings(
    open_window: Window, pupil: User, pro: User, api_client: Any
) -> None:
    first, second = slots_of(open_window())
    kept = client_for(pupil).post("/api/bookings/", {"slot": first.pk}, format="json").json()["id"]
    dropped = (
        client_for(pupil).post("/api/bookings/", {"slot": second.pk}, format="json").json()["id"]
    )
    client_for(pupil).post(f"/api/bookings/{dropped}/cancel/", {"reason": "No"}, format="json")

    assert client_for(pupil).get("/api/calendar-feed/").status_code == 404
    made = client_for(pupil).post("/api/calendar-feed/")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("http://testserver/meetings/feed/") and url.endswith(".ics")
    assert client_for(pupil).get("/api/calendar-feed/").json()["url"] == url

    path = url.removeprefix("http://testserver")
    feed = api_client.get(path)  # no login: the token is the credential
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "Backstage"
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert uids == [f"{Booking.objects.get(pk=kept).uid}@backstage"]

    # A new link replaces the old one; revoking kills it.
    rotated = client_for(pupil).post("/api/calendar-feed/").json()["url"]
    assert rotated != url
    assert api_client.get(path).status_code == 404
    assert client_for(pupil).delete("/api/calendar-feed/").status_code == 204
    assert api_client.get(rotated.removeprefix("http://testserver")).status_code == 404
    assert api_client.get("/meetings/feed/not-a-token.ics").status_code == 404

    # The professional's feed has the same meeting, with the same UID.
    pro_url = client_for(pro).post("/api/calendar-feed/").json()["url"]
    pro_calendar = Calendar.from_ical(
        api_client.get(pro_url.removeprefix("http://testserver")).content
    )
    assert [str(e["UID"]) for e in pro_calendar.walk("VEVENT")] == uids


def test_an_inactive_users_feed_stops(pupil: User, api_client: Any) -> None:
    url = client_for(pupil).post("/api/calendar-feed/").json()["url"]
    User.objects.filter(pk=pupil.pk).update(is_active=False)
    assert api_client.get(url.removeprefix("http://testserver")).status_code == 404


def test_an_empty_feed_is_still_a_calendar(pupil: User, api_client: Any) -> None:
    url = client_for(pupil).post("/api/calendar-feed/").json()["url"]
    calendar = Calendar.from_ical(api_client.get(url.removeprefix("http://testserver")).content)
    assert calendar.walk("VEVENT") == []
    assert calendar["VERSION"] == "2.0"


def test_dtstamp_is_utc(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window())[0]
    booking_id = (
        client_for(pupil).post("/api/bookings/", {"slot": slot.pk}, format="json").json()["id"]
    )
    _calendar, event = parse(download(pupil, booking_id).content)
    assert event.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
